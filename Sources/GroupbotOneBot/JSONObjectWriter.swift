/// Writes one flat JSON object with keys in the order they are added, so the
/// same parameters always give the same bytes. Strings are UTF-8 with only
/// `"`, `\` and control characters escaped, as in the wire format.
struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var isEmpty = true

    /// The finished object.
    var object: [UInt8] { bytes + [UInt8(ascii: "}")] }

    mutating func string(_ key: String, _ value: String) {
        self.key(key)
        appendQuoted(value)
    }

    mutating func bool(_ key: String, _ value: Bool) {
        self.key(key)
        bytes += (value ? "true" : "false").utf8
    }

    mutating func integer(_ key: String, _ value: Int64) {
        self.key(key)
        bytes += String(value).utf8
    }

    /// A QQ number, group number or message id: a JSON number when it is a plain
    /// integer (as OneBot v11 expects), otherwise a string, which the
    /// implementation converts itself if it can.
    mutating func id(_ key: String, _ value: String) {
        self.key(key)
        if Self.isPlainInteger(value) {
            bytes += value.utf8
        } else {
            appendQuoted(value)
        }
    }

    /// An optional minus sign and 1 to 18 digits without a leading zero: always a
    /// valid JSON number, and one that fits in an Int64.
    static func isPlainInteger(_ text: String) -> Bool {
        var digits = text.utf8[...]
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard (1...18).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return digits.count == 1 || digits.first != UInt8(ascii: "0")
    }

    private mutating func key(_ key: String) {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
