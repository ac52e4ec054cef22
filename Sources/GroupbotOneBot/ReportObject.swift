import GroupbotCore
import GroupbotWire

/// One JSON object of a report, read field by field. Every accessor names the
/// field in its error, with the path of the enclosing object (`sender.card`).
/// `null` counts as absent.
struct ReportObject {
    let members: [String: JSONValue]
    /// Written in front of field names in errors: `""` at the top, `"sender."` inside the sender.
    let path: String

    init(_ members: [String: JSONValue], path: String = "") {
        self.members = members
        self.path = path
    }

    private func value(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    private func name(_ key: String) -> String { path + key }

    func optionalString(_ key: String) throws(OneBotDecodingError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw .wrongType(name(key), expected: "a string", got: value) }
        return text
    }

    func string(_ key: String) throws(OneBotDecodingError) -> String {
        guard let text = try optionalString(key) else { throw .missing(name(key)) }
        return text
    }

    /// A string that must also not be empty (flags, which later calls need).
    func nonEmptyString(_ key: String) throws(OneBotDecodingError) -> String {
        let text = try string(key)
        guard !text.isEmpty else { throw OneBotDecodingError(reason: "field '\(name(key))' is empty") }
        return text
    }

    /// A QQ number, group number or message id: OneBot v11 sends them as JSON
    /// numbers; they become decimal strings without a fraction (`501`, not `501.0`).
    func optionalID(_ key: String) throws(OneBotDecodingError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value else { throw .wrongType(name(key), expected: "a number", got: value) }
        // Doubles hold every integer up to 2^53 exactly; QQ numbers are far below that.
        guard number == number.rounded(.towardZero), abs(number) <= 9_007_199_254_740_992 else {
            throw OneBotDecodingError(reason: "field '\(name(key))' should be a whole number below 2^53, got \(number)")
        }
        return String(Int64(number))
    }

    func id(_ key: String) throws(OneBotDecodingError) -> String {
        guard let id = try optionalID(key) else { throw .missing(name(key)) }
        return id
    }

    func optionalObject(_ key: String) throws(OneBotDecodingError) -> ReportObject? {
        guard let value = value(key) else { return nil }
        guard case .object(let members) = value else { throw .wrongType(name(key), expected: "an object", got: value) }
        return ReportObject(members, path: name(key) + ".")
    }

    /// The report's `time`: seconds since the Unix epoch.
    func epochSeconds(_ key: String) throws(OneBotDecodingError) -> Instant {
        guard let value = value(key) else { throw .missing(name(key)) }
        guard case .number(let seconds) = value else { throw .wrongType(name(key), expected: "a number", got: value) }
        guard abs(seconds) < 1e11, case let instant = Instant(milliseconds: Int64((seconds * 1000).rounded())),
              instant.isValidEventTime
        else {
            throw OneBotDecodingError(reason: "field '\(name(key))' is out of range, got \(seconds); expected epoch seconds from 1970 up to 2199")
        }
        return instant
    }

    /// The raw value of a field, for fields that take several shapes (`message`).
    func raw(_ key: String) -> JSONValue? { value(key) }
}
