import Foundation
import GroupbotCore

/// What to do when the platform refuses a DM (the member is not the bot's friend, has
/// blocked it, or the temporary session is closed): the first step of every "guide,
/// don't block" ladder is a DM, so silence would leave the member unguided.
package enum DMFallbackMode: String, Sendable, Equatable, CaseIterable {
    /// A short message in the group, mentioning the member, with the DM's text.
    case group
    /// Only a notice to the admins, naming the member and the DM.
    case admins
    /// Nothing beyond the dead letter and the log line.
    case none
}

/// Turns a refused `send_private_msg` back into the action that replaces it. The action
/// goes into the audit log (rule `dm_fallback`, cause the refused DM's action id) and out
/// like any other, so `groupbot log` shows what the member got instead.
package enum DMFallback {
    /// The rule name fallback actions carry.
    package static let rule = "dm_fallback"

    /// The action replacing the refused DM whose API call had `body`; nil when there is
    /// nothing to do (mode `none`, no group to fall back to, a body that is not a DM's).
    /// - Parameters:
    ///   - actionID: the refused DM's action id (from the delivery).
    ///   - group: the group the DM concerned.
    package static func action(refusedDM body: [UInt8], actionID: String, group: String, reason: String, mode: DMFallbackMode,
                               at now: Instant, utcOffsetSeconds: Int) -> Action? {
        guard mode != .none, !group.isEmpty,
              let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let message = object["message"] as? String else { return nil }
        let user: String
        if let number = object["user_id"] as? NSNumber { user = number.stringValue } else if let text = object["user_id"] as? String {
            user = text
        } else {
            return nil
        }
        // The DM's text as the member would have read it (its CQ codes decoded).
        let text = CQCode.segments(in: message).compactMap { $0.type == "text" ? $0.data["text"] : nil }.joined()
        let body: Action.Body = switch mode {
        case .group: .send(text: text, mention: user)
        case .admins, .none: .notify(text: "私信没能发给成员 \(user)（群 \(group)，\(reason)），原本要说的是：\(text)", about: user)
        }
        return Action(id: actionID + ":" + rule, group: group, body: body, rule: rule, cause: actionID, due: now,
                      utcOffsetSeconds: utcOffsetSeconds)
    }
}
