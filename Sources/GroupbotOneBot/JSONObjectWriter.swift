import GroupbotWire

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
        ActionEncoder.appendQuoted(text, to: &bytes)
    }
}
