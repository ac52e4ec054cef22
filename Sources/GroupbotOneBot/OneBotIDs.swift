import GroupbotCore

/// How OneBot identities become wire-format ids, and back. The encoder works
/// without state, so every id it must turn back into an API parameter carries
/// that parameter in it.
enum OneBotIDs {
    // MARK: - Notices

    /// Notices have no id of their own. This one depends only on the report,
    /// so a report delivered twice gives the same event id and is dropped as a repeat:
    /// `group_increase:7770001:2010:1763600060`.
    static func notice(type: String, group: String, user: String, time: Instant) -> String {
        let seconds = time.milliseconds / 1000
        return "\(type):\(group):\(user):\(seconds)"
    }

    // MARK: - Join requests

    /// The id of a `join_request`: the request's `sub_type`, a colon and its
    /// `flag` (`add:flag-2020-add`, `invite:flag-2021-invite`), which is all
    /// `set_group_add_request` needs.
    static func joinRequest(flag: String, subType: String) -> String {
        subType + ":" + flag
    }

    /// The flag and sub_type inside a join request id, or nil for any other id.
    static func parseJoinRequest(_ id: String) -> (flag: String, subType: String)? {
        for subType in ["add", "invite"] {
            let prefix = subType + ":"
            if let flag = id.dropping(prefix: prefix), !flag.isEmpty { return (flag, subType) }
        }
        return nil
    }

    // MARK: - Anonymous senders

    private static let anonymousPrefix = "anonymous:"

    /// The `user` of an anonymous group message: `anonymous:` and the sender's
    /// anonymous flag, which `set_group_anonymous_ban` takes. Every anonymous
    /// sender shares one QQ number, so that number cannot serve.
    static func anonymousUser(flag: String) -> String {
        anonymousPrefix + flag
    }

    /// The anonymous flag inside a user id, or nil for an ordinary QQ number.
    static func anonymousFlag(ofUser user: String) -> String? {
        user.dropping(prefix: anonymousPrefix)
    }
}

extension String {
    /// The rest of the string after an ASCII `prefix`, or nil when it does not
    /// start with it. Compared byte by byte, so a combining mark after the
    /// prefix cannot hide it.
    func dropping(prefix: String) -> String? {
        guard utf8.starts(with: prefix.utf8) else { return nil }
        return String(decoding: utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }
}
