/// The fields of the wire format in one place (docs/wire-format.md): the JSON key each
/// has on the wire and the tag it has in the state file's binary records
/// (`RecordCoding`). The event decoder recognises its keys from ``EventField``, the
/// action encoder writes the keys of ``ActionField``, and the record coding reads and
/// writes their tags: a field is added here first, and the tests check this table
/// against the documentation.
package enum EventField: String, CaseIterable, Sendable {
    case type, id, ts, group, user, nick, role, kind, text, amount, inviter, mentions
    case groupName = "group_name"
    case oldNick = "old_nick"
    case replyTo = "reply_to"
    case memberCount = "member_count"

    /// The tag in the state file's records; a tag is never reused. `ts` is stored as two
    /// values: the instant under its own tag, the UTC offset it was written in under
    /// ``utcOffsetTag``.
    package var recordTag: UInt8 {
        switch self {
        case .type: 1
        case .id: 2
        case .ts: 3
        case .group: 5
        case .groupName: 6
        case .user: 7
        case .nick: 8
        case .role: 9
        case .kind: 10
        case .text: 11
        case .amount: 12
        case .inviter: 13
        case .oldNick: 14
        case .mentions: 15
        case .replyTo: 16
        case .memberCount: 17
        }
    }

    /// The record tag of the UTC offset `ts` was written in.
    package static let utcOffsetTag: UInt8 = 4
}

/// The fields of an action on the wire, in the order the encoder writes them.
package enum ActionField: String, CaseIterable, Sendable {
    case id, action, group, user, text
    case replyTo = "reply_to"
    case mention, message, seconds, rule, cause, ts

    /// The tag in the state file's records; a tag is never reused. `ts` is stored as two
    /// values, like an event's (``utcOffsetTag``); the bookkeeping note, which is not on
    /// the wire, under ``noteTag``.
    package var recordTag: UInt8 {
        switch self {
        case .id: 1
        case .action: 2
        case .group: 3
        case .user: 4
        case .text: 5
        case .replyTo: 6
        case .mention: 7
        case .message: 8
        case .seconds: 9
        case .rule: 10
        case .cause: 11
        case .ts: 12
        }
    }

    /// The record tag of the UTC offset `ts` was written in.
    package static let utcOffsetTag: UInt8 = 13

    /// The field's position in ``allCases`` (the order on the wire).
    var index: Int { Int(recordTag) - 1 }
    /// The record tag of the action's note (`ActionNote`), kept in the state file only.
    package static let noteTag: UInt8 = 14
}
