/// JSON parsing: a strict RFC 8259 reader over UTF-8 bytes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a line is not valid JSON, and where (byte offset, 0-based).
package struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    package let offset: Int
    package let reason: String

    package var description: String { "invalid JSON at byte \(offset + 1): \(reason)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes.
package struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The length of the document.
    var byteCount: Int { bytes.count }
    private var depth = 0
    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    static let maximumDepth = 64

    /// Parses one JSON document from `bytes` (surrounding whitespace allowed).
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the value") }
        return value
    }

    /// Parses one JSON document from a string.
    package static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONSyntaxError> = copy.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, reason: reason)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
            index += 1
        }
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(Unicode.Scalar(bytes[index]))'")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("unknown literal")
        }
        index += count
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nested deeper than \(Self.maximumDepth) levels") }
    }

    /// The byte at the cursor, if any (after skipping whitespace).
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Consumes the `{` of an object.
    mutating func beginObject() throws(JSONSyntaxError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
            throw error("expected an object")
        }
        index += 1
    }

    /// The next key of the object being read (after `beginObject`), or nil at its `}`.
    /// `first` tells whether no member has been read yet. The caller then reads the value.
    mutating func nextKey(first: Bool) throws(JSONSyntaxError) -> String? {
        guard let raw = try nextRawKey(first: first) else { return nil }
        return try decodeKey(raw)
    }

    /// Like ``nextKey(first:)``, but gives the key's bytes as written, between the
    /// quotes, so hot paths can compare them without building a string. Keys with
    /// escapes or non-ASCII bytes must go through ``decodeKey(_:)``.
    mutating func nextRawKey(first: Bool) throws(JSONSyntaxError) -> UnsafeBufferPointer<UInt8>? {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input in an object") }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return nil
        }
        if !first {
            guard bytes[index] == UInt8(ascii: ",") else { throw error("expected ',' or '}' in an object") }
            index += 1
            skipWhitespace()
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
        let start = index + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        let raw: UnsafeBufferPointer<UInt8>
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
            index = end + 1
        } else {
            // Escapes: decode now; the raw range then covers the escaped text, which callers decode again.
            let keyStart = index
            _ = try parseString()
            raw = UnsafeBufferPointer(rebasing: bytes[(keyStart + 1)..<(index - 1)])
        }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
        index += 1
        skipWhitespace()
        return raw
    }

    /// The text of a raw key (escapes resolved, UTF-8 checked).
    func decodeKey(_ raw: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> String {
        guard raw.contains(UInt8(ascii: "\\")) || raw.contains(where: { $0 >= 0x80 || $0 < 0x20 }) else {
            return String(decoding: raw, as: UTF8.self)
        }
        let copy: [UInt8] = [UInt8(ascii: "\"")] + Array(raw) + [UInt8(ascii: "\"")]
        return try copy.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> String in
            var parser = JSONParser(bytes: buffer)
            return try parser.parseString()
        }
    }

    /// Checks that nothing but whitespace follows.
    mutating func finish() throws(JSONSyntaxError) {
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected data after the value") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        var object: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            index += 1
            skipWhitespace()
            // One rule for duplicate keys everywhere: refused (RFC 7493), never first- or last-wins.
            guard object[key] == nil else { throw error("the key '\(key)' appears twice in one object") }
            object[key] = try parseValue()
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; break }
            throw error("expected ',' or '}' in an object")
        }
        depth -= 1
        return .object(object)
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; break }
            throw error("expected ',' or ']' in an array")
        }
        depth -= 1
        return .array(array)
    }

    /// Reads a number and returns it as written (ids must keep every digit).
    mutating func parseNumberText() throws(JSONSyntaxError) -> String {
        let start = index
        _ = try parseNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let from = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            return index - from
        }
        let integerStart = index
        guard digits() > 0 else { throw error("expected digits in a number") }
        // RFC 8259: no leading zeros ("007" is not a number; "0", "0.5" and "-0" are).
        guard bytes[integerStart] != UInt8(ascii: "0") || index == integerStart + 1 else {
            throw error("a number may not start with a leading zero")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("expected digits in an exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // 1e400 would read as infinity: numbers must be finite doubles.
        guard let value = Double(text), value.isFinite else { throw error("number out of range") }
        return value
    }

    /// A number written as text (`"12.5"`), read with the JSON number grammar: no `nan`,
    /// `inf`, hex or leading zeros, and finite. Nil when the text is not such a number.
    package static func number(fromText text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { bytes -> Double? in
            guard !bytes.isEmpty else { return nil }
            var parser = JSONParser(bytes: bytes)
            guard let value = try? parser.parseNumber(), parser.index == bytes.count else { return nil }
            return value
        }
    }

    /// Reads a string value without building a `String` when it has no escapes:
    /// returns its raw bytes, or nil (reading nothing) when it has escapes or is not a string.
    mutating func parseRawString() -> UnsafeBufferPointer<UInt8>? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        var end = index + 1
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
                index = end + 1
                return raw
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            end += 1
        }
        return nil
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1
        guard let base = bytes.baseAddress else { throw error("unterminated string") }
        let count = bytes.count
        var result = ""
        var usedBuffer = false
        while true {
            // Scan a run without escapes; note whether it is all ASCII (then it needs no UTF-8 check).
            let start = index
            var seen: UInt8 = 0
            var position = index
            while position < count {
                let byte = base[position]
                if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
                seen |= byte
                position += 1
            }
            index = position
            guard position < count else { throw error("unterminated string") }
            let run = UnsafeBufferPointer(start: base + start, count: position - start)
            // Building the string checks the bytes once: ill-formed input comes out repaired,
            // so a string that differs from its bytes was not UTF-8. (`String(validating:)`
            // goes through generic code that costs more than this comparison.)
            var text = String(decoding: run, as: UTF8.self)
            if seen >= 0x80, !text.withUTF8({ $0.count == run.count && memcmp($0.baseAddress!, run.baseAddress!, run.count) == 0 }) {
                let bad = UTF8Validation.firstInvalidOffset(in: run) ?? 0
                throw JSONSyntaxError(offset: start + bad, reason: "invalid UTF-8 in a string")
            }
            let byte = base[position]
            if byte == 0x22 {
                index += 1
                return usedBuffer ? result + text : text
            }
            if byte < 0x20 { throw error("control character in a string (escape it)") }
            result += text
            usedBuffer = true
            index += 1
            result.unicodeScalars.append(try parseEscape())
        }
    }

    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("lone surrogate in \\u escape") }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw error("lone surrogate in \\u escape") }
            return scalar
        default:
            throw error("unknown escape '\\\(Unicode.Scalar(byte))'")
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw error("bad hex digit in \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
