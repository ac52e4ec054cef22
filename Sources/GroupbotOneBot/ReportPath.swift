import Foundation
import GroupbotWire

/// Decodes a report's fields with Foundation's `JSONDecoder` and says what is wrong in
/// groupbot's words: the field's path (`sender.card`, `message[1].type`), what it should
/// be and what it is (read from the strictly parsed value: `got a string`).
enum ReportPath {
    /// `sender.card`, `message[1].type`.
    static func name(_ path: [any CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += (name.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return name
    }

    /// The value at `path` in `root`.
    static func value(at path: [any CodingKey], in root: JSONValue) -> JSONValue? {
        var value = root
        for key in path {
            switch value {
            case .object(let members):
                guard let next = members[key.stringValue] else { return nil }
                value = next
            case .array(let items):
                guard let index = key.intValue, items.indices.contains(index) else { return nil }
                value = items[index]
            default:
                return nil
            }
        }
        return value
    }

    /// What a value of `type` is called in a reason.
    static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is OneBotID.Type, is EpochSeconds.Type: "a number"
        case is MessageField.Type: "a string or an array of segments"
        case is MessageField.Segment.Type: "a segment object"
        default: "an object"
        }
    }

    /// The fields of `body` (already parsed strictly into `root`) as `Fields`.
    static func decode<Fields: Decodable>(_ type: Fields.Type, from body: [UInt8], root: JSONValue) throws(OneBotDecodingError) -> Fields {
        do {
            return try JSONDecoder().decode(Fields.self, from: Data(body))
        } catch let error as OneBotDecodingError {
            throw error
        } catch DecodingError.keyNotFound(let key, let context) {
            throw .missing(name(context.codingPath + [key]))
        } catch DecodingError.valueNotFound(_, let context) {
            throw .missing(name(context.codingPath))  // `null` counts as absent
        } catch DecodingError.typeMismatch(let type, let context) {
            let field = name(context.codingPath)
            let found = value(at: context.codingPath, in: root)?.typeName ?? "something else"
            // An array's element of the wrong type is reported where it is, as a segment.
            let expected = context.codingPath.last?.intValue != nil && type is [String: Any].Type
                ? "a segment object" : expected(type)
            throw OneBotDecodingError(reason: "field '\(field)' should be \(expected), got \(found)")
        } catch {
            throw OneBotDecodingError(reason: "the report could not be read: \(error)")
        }
    }
}
