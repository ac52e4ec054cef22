import Foundation

/// Reads the Bot API's answer: `{"ok":true,"result":…}` or
/// `{"ok":false,"error_code":…,"description":…,"parameters":{"retry_after":…}}`.
package struct TelegramAPIResponse: Sendable, Equatable {
    package var ok: Bool
    package var errorCode: Int?
    package var description: String?
    /// Seconds to wait before trying again (429).
    package var retryAfter: Int64?
    /// The `result`, as JSON bytes, when there is one.
    package var result: [UInt8]?

    /// Reads an answer; nil when it is not the Bot API's shape.
    package init?(_ body: [UInt8]) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let ok = object["ok"] as? Bool else { return nil }
        self.ok = ok
        errorCode = (object["error_code"] as? NSNumber)?.intValue
        description = object["description"] as? String
        retryAfter = ((object["parameters"] as? [String: Any])?["retry_after"] as? NSNumber)?.int64Value
        if let value = object["result"], JSONSerialization.isValidJSONObject([value]),
           let data = try? JSONSerialization.data(withJSONObject: [value]) {
            // Wrapped in an array so scalars (true, a count) are valid JSON; unwrapped by the readers.
            result = Array(data)
        }
    }

    /// The result, unwrapped.
    package var resultValue: Any? {
        guard let result, let array = (try? JSONSerialization.jsonObject(with: Data(result))) as? [Any] else { return nil }
        return array.first
    }

    /// `getUpdates`' result: each update's JSON bytes and its id.
    package var updates: [(id: Int64, body: [UInt8])] {
        guard let list = resultValue as? [[String: Any]] else { return [] }
        return list.compactMap { update in
            guard let id = (update["update_id"] as? NSNumber)?.int64Value,
                  let data = try? JSONSerialization.data(withJSONObject: update) else { return nil }
            return (id, Array(data))
        }
    }

    /// `getChatMemberCount`'s result.
    package var count: Int? { (resultValue as? NSNumber)?.intValue }

    /// `getChatAdministrators`' result: user id → role.
    package var administrators: [String: MemberRoleName] {
        guard let list = resultValue as? [[String: Any]] else { return [:] }
        var roles: [String: MemberRoleName] = [:]
        for member in list {
            guard let user = (member["user"] as? [String: Any])?["id"] as? NSNumber else { continue }
            roles[user.stringValue] = (member["status"] as? String) == "creator" ? .owner : .admin
        }
        return roles
    }

    /// The roles an administrators list gives.
    package enum MemberRoleName: Sendable { case owner, admin }
}
