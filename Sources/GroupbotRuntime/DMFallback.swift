import GroupbotCore

/// What to do when the platform refuses a DM (the member is not the bot's friend, has
/// blocked it, never started it, or the temporary session is closed): the first step of
/// every "guide, don't block" ladder is a DM, so silence would leave the member unguided.
package enum DMFallbackMode: String, Sendable, Equatable, CaseIterable {
    /// A short message in the group, mentioning the member, with the DM's text.
    case group
    /// Only a notice to the admins, naming the member and the DM.
    case admins
    /// Nothing beyond the dead letter and the log line.
    case none
}

/// The action that replaces a refused DM, the same for every platform: it goes into the
/// audit log (rule `dm_fallback`, cause the refused DM's action id) and out like any other,
/// so `groupbot log` shows what the member got instead. Each dialect reads the member and
/// the text back from its own call's body.
package enum DMFallback {
    /// The rule name fallback actions carry.
    package static let rule = "dm_fallback"

    /// The action replacing the DM of `text` to `user` about `group`; nil for mode `none` or
    /// when there is no group to fall back to.
    package static func action(user: String, text: String, group: String, actionID: String, reason: String,
                               mode: DMFallbackMode, at now: Instant, utcOffsetSeconds: Int) -> Action? {
        guard mode != .none, !group.isEmpty, !user.isEmpty else { return nil }
        let body: Action.Body = switch mode {
        case .group: .send(text: text, mention: user)
        case .admins, .none: .notify(text: "私信没能发给成员 \(user)（群 \(group)，\(reason)），原本要说的是：\(text)", about: user)
        }
        return Action(id: actionID + ":" + rule, group: group, body: body, rule: rule, cause: actionID, due: now,
                      utcOffsetSeconds: utcOffsetSeconds)
    }
}
