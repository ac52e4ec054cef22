import Foundation
import GroupbotCore

// The fields of OneBot v11 reports that groupbot reads, as Decodable values. A report is
// decoded in two steps: its kind (`ReportKind`), then, for the kinds groupbot maps, the
// fields that kind needs; a report of a kind it skips is never held to the others.
// `null` counts as absent, as OneBot implementations write it for missing values.

/// What kind of report it is.
struct ReportKind: Decodable {
    var postType: String?
    var messageType: String?
    var noticeType: String?
    var requestType: String?
    var metaEventType: String?
    var subType: String?

    enum CodingKeys: String, CodingKey {
        case postType = "post_type", messageType = "message_type", noticeType = "notice_type"
        case requestType = "request_type", metaEventType = "meta_event_type", subType = "sub_type"
    }
}

/// A group message report (`post_type: message`).
struct MessageFields: Decodable {
    var selfID: OneBotID?
    var userID: OneBotID?
    var messageID: OneBotID?
    var groupID: OneBotID?
    var time: EpochSeconds?
    var message: MessageField?
    var anonymous: Anonymous?
    var sender: Sender?

    enum CodingKeys: String, CodingKey {
        case selfID = "self_id", userID = "user_id", messageID = "message_id", groupID = "group_id", time, message
        case anonymous, sender
    }

    struct Anonymous: Decodable {
        var flag: String
        var name: String?
    }

    struct Sender: Decodable {
        var card: String?
        var nickname: String?
        var role: String?
    }
}

/// A member notice (`post_type: notice`: joins, leaves, card changes).
struct NoticeFields: Decodable {
    var groupID: OneBotID?
    var userID: OneBotID?
    var time: EpochSeconds?
    var operatorID: OneBotID?
    var cardNew: String?
    var cardOld: String?

    enum CodingKeys: String, CodingKey {
        case groupID = "group_id", userID = "user_id", time, operatorID = "operator_id"
        case cardNew = "card_new", cardOld = "card_old"
    }
}

/// A request to join a group (`post_type: request`).
struct RequestFields: Decodable {
    var flag: String?
    var groupID: OneBotID?
    var userID: OneBotID?
    var time: EpochSeconds?
    var comment: String?

    enum CodingKeys: String, CodingKey {
        case flag, groupID = "group_id", userID = "user_id", time, comment
    }
}

/// A QQ number, group number or message id: OneBot v11 sends them as JSON numbers; they
/// become decimal strings without a fraction (`501`, not `501.0`).
struct OneBotID: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let number = try decoder.singleValueContainer().decode(Double.self)
        // Doubles hold every integer up to 2^53 exactly; QQ numbers are far below that.
        guard number == number.rounded(.towardZero), abs(number) <= 9_007_199_254_740_992 else {
            throw OneBotDecodingError(reason: "field '\(ReportPath.name(decoder.codingPath))' should be a whole number below 2^53, got \(number)")
        }
        text = String(Int64(number))
    }
}

/// A report's `time`: seconds since the Unix epoch.
struct EpochSeconds: Decodable {
    var instant: Instant

    init(from decoder: any Decoder) throws {
        let seconds = try decoder.singleValueContainer().decode(Double.self)
        guard abs(seconds) < 1e11, case let instant = Instant(milliseconds: Int64((seconds * 1000).rounded())),
              instant.isValidEventTime
        else {
            throw OneBotDecodingError(reason: "field '\(ReportPath.name(decoder.codingPath))' is out of range, got \(seconds); expected epoch seconds from 1970 up to 2199")
        }
        self.instant = instant
    }
}

/// A message: a CQ-code string or an array of segments.
enum MessageField: Decodable {
    case text(String)
    case segments([Segment])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
            return
        }
        do {
            self = .segments(try container.decode([Segment].self))
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count == decoder.codingPath.count {
            throw DecodingError.typeMismatch(MessageField.self, context)  // neither a string nor an array
        }
    }

    /// One segment of an array message: its type and its parameters.
    struct Segment: Decodable {
        var type: String
        var data: Parameters?
    }

    /// A segment's parameters: text as is, numbers as decimal text; values of other shapes
    /// (nested forward nodes) are dropped.
    struct Parameters: Decodable {
        var values: [String: String] = [:]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            for key in container.allKeys {
                if let text = try? container.decode(String.self, forKey: key) {
                    values[key.stringValue] = text
                } else if let number = try? container.decode(Double.self, forKey: key) {
                    values[key.stringValue] = number == number.rounded(.towardZero) && abs(number) < 1e15
                        ? String(Int64(number)) : String(number)
                }
            }
        }
    }
}

/// Any key of an object.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
