import Foundation

/// Encodes a `Codable` value as compact JSON with the keys of every object sorted (byte order
/// of their UTF-8), straight into bytes: each value is written out as soon as its `encode(to:)`
/// returns, and an object keeps only its members' bytes and where each one starts.
///
/// Foundation's `JSONEncoder` first builds a tree of the whole value; for an engine snapshot
/// of 25 MB of JSON (the community week's day 1) that tree took several hundred megabytes,
/// which is where a `run` on a state file peaked (docs/performance.md). The output is JSON
/// that `JSONDecoder` reads back into the same value (`Data` as Base64, as `JSONEncoder`
/// writes it by default); the same value always gives the same bytes.
package enum SortedJSONEncoder {
    package static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        var output: [UInt8] = []
        // A large value is written once, into an output sized for it: grown by doubling, the
        // output's last copy was a snapshot's peak.
        if let root = try JSONWriter.write(value, codingPath: [], into: &output, keepingLargerThan: ContainerBuffer.large) {
            output.reserveCapacity(root.size)
            root.write(into: &output)
        }
        return output
    }
}

/// The bytes of one JSON array or object under construction.
private final class ContainerBuffer {
    enum Kind { case array, object }
    /// A member: its value's bytes in `bytes`, or a nested container (written when this one is).
    enum Member {
        case bytes(Range<Int>)
        case nested(ContainerBuffer)
    }

    let kind: Kind
    var bytes: [UInt8] = []
    var members: [(key: String, member: Member)] = []

    init(kind: Kind) {
        self.kind = kind
    }

    func append(key: String, _ write: (inout [UInt8]) throws -> Void) rethrows {
        let start = bytes.count
        try write(&bytes)
        members.append((key, .bytes(start..<bytes.count)))
    }

    /// Appends a member's value. A large array or object (a snapshot's list of members, its
    /// texts) stays the container it was encoded into and is written once, into the final
    /// output: copied into each parent on the way up, it lived twice or three times at once.
    func append<Value: Encodable>(key: String, value: Value, codingPath: [any CodingKey]) throws {
        let start = bytes.count
        if let large = try JSONWriter.write(value, codingPath: codingPath, into: &bytes, keepingLargerThan: Self.large) {
            members.append((key, .nested(large)))
        } else {
            members.append((key, .bytes(start..<bytes.count)))
        }
    }

    /// How many bytes make a container large (see `append(key:value:codingPath:)`): few of them,
    /// so keeping them costs nothing.
    static let large = 1 << 16

    /// The bytes this container writes: its members', its nested containers' and the keys
    /// and punctuation between them (escapes in keys aside).
    var size: Int {
        members.reduce(bytes.count + 2) { total, member in
            let punctuation = kind == .object ? member.key.utf8.count + 4 : 1
            if case .nested(let nested) = member.member { return total + punctuation + nested.size }
            return total + punctuation
        }
    }

    func appendNested(key: String, kind: Kind) -> ContainerBuffer {
        let nested = ContainerBuffer(kind: kind)
        members.append((key, .nested(nested)))
        return nested
    }

    func write(into output: inout [UInt8]) {
        output.append(kind == .array ? UInt8(ascii: "[") : UInt8(ascii: "{"))
        let ordered = kind == .array ? members : members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var first = true
        for (index, (key, member)) in ordered.enumerated() {
            // A key encoded twice keeps its last value, as in JSONEncoder (the sort is stable).
            if kind == .object, index + 1 < ordered.count, ordered[index + 1].key == key { continue }
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            if kind == .object {
                JSONWriter.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
            }
            switch member {
            case .bytes(let range): output.append(contentsOf: bytes[range])
            case .nested(let nested): nested.write(into: &output)
            }
        }
        output.append(kind == .array ? UInt8(ascii: "]") : UInt8(ascii: "}"))
    }
}

/// Writes values and strings as JSON.
private enum JSONWriter {
    static func write<Value: Encodable>(_ value: Value, codingPath: [any CodingKey], into output: inout [UInt8]) throws {
        _ = try write(value, codingPath: codingPath, into: &output, keepingLargerThan: nil)
    }

    /// Writes `value`, or, when it is an array or object of more than `limit` bytes, returns
    /// its container instead (written nothing).
    static func write<Value: Encodable>(_ value: Value, codingPath: [any CodingKey], into output: inout [UInt8],
                                        keepingLargerThan limit: Int?) throws -> ContainerBuffer? {
        switch value {
        case let string as String: writeString(string, into: &output)
        case let data as Data: writeString(data.base64EncodedString(), into: &output)
        case let number as Double: try writeDouble(number, codingPath: codingPath, into: &output)
        case let number as any FixedWidthInteger: output.append(contentsOf: String(describing: number).utf8)
        case let number as Float: try writeDouble(Double(number), codingPath: codingPath, into: &output)
        case let flag as Bool: output.append(contentsOf: (flag ? "true" : "false").utf8)
        default:
            let encoder = ValueEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            if let limit, let container = encoder.container, container.size > limit { return container }
            try encoder.finish(into: &output)
        }
        return nil
    }

    static func writeDouble(_ number: Double, codingPath: [any CodingKey], into output: inout [UInt8]) throws {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "\(number) is not valid in JSON"))
        }
        if number == number.rounded(), abs(number) < 1e15 {
            output.append(contentsOf: String(Int64(number)).utf8)
        } else {
            output.append(contentsOf: number.description.utf8)
        }
    }

    static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// The encoder of one value: a single value's bytes, or one container.
private final class ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private var single: [UInt8]?
    private(set) var container: ContainerBuffer?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func finish(into output: inout [UInt8]) throws {
        if let container {
            container.write(into: &output)
        } else if let single {
            output.append(contentsOf: single)
        } else {
            output.append(contentsOf: "{}".utf8)  // as JSONEncoder writes a value that encoded nothing
        }
    }

    private func buffer(_ kind: ContainerBuffer.Kind) -> ContainerBuffer {
        if let container { return container }
        let created = ContainerBuffer(kind: kind)
        container = created
        return created
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedWriter<Key>(buffer: buffer(.object), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedWriter(buffer: buffer(.array), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleWriter(encoder: self)
    }

    fileprivate func setSingle(_ write: (inout [UInt8]) throws -> Void) rethrows {
        var bytes: [UInt8] = []
        try write(&bytes)
        single = bytes
    }
}

private struct SingleWriter: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.setSingle { $0.append(contentsOf: "null".utf8) } }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath
        try encoder.setSingle { try JSONWriter.write(value, codingPath: path, into: &$0) }
    }
}

/// A key of an unkeyed container's member (for coding paths).
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let buffer: ContainerBuffer
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        buffer.append(key: key.stringValue) { $0.append(contentsOf: "null".utf8) }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try buffer.append(key: key.stringValue, value: value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedWriter<NestedKey>(buffer: buffer.appendNested(key: key.stringValue, kind: .object),
                                                      codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedWriter(buffer: buffer.appendNested(key: key.stringValue, kind: .array), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        NestedEncoder(buffer: buffer, key: "super", codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NestedEncoder(buffer: buffer, key: key.stringValue, codingPath: codingPath + [key])
    }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let buffer: ContainerBuffer
    let codingPath: [any CodingKey]
    var count: Int { buffer.members.count }

    mutating func encodeNil() throws {
        buffer.append(key: "") { $0.append(contentsOf: "null".utf8) }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try buffer.append(key: "", value: value, codingPath: codingPath + [IndexKey(count)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(count)]
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(buffer: buffer.appendNested(key: "", kind: .object), codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        return UnkeyedWriter(buffer: buffer.appendNested(key: "", kind: .array), codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        NestedEncoder(buffer: buffer, key: "", codingPath: codingPath + [IndexKey(count)])
    }
}

/// An encoder for a member whose value is encoded by hand (`superEncoder`): it adds a
/// container to its parent's the first time it is asked for one.
private struct NestedEncoder: Encoder {
    let buffer: ContainerBuffer
    let key: String
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedWriter<NestedKey>(buffer: buffer.appendNested(key: key, kind: .object), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedWriter(buffer: buffer.appendNested(key: key, kind: .array), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        NestedSingleWriter(buffer: buffer, key: key, codingPath: codingPath)
    }
}

private struct NestedSingleWriter: SingleValueEncodingContainer {
    let buffer: ContainerBuffer
    let key: String
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { buffer.append(key: key) { $0.append(contentsOf: "null".utf8) } }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try buffer.append(key: key, value: value, codingPath: codingPath)
    }
}
