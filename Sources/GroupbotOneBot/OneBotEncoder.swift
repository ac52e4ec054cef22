import GroupbotCore

/// Turns groupbot actions into what a OneBot v11 implementation understands:
/// a quick operation in the report's HTTP response where the report allows
/// one, and API calls for everything else. Pure and stateless: approvals find
/// their request in the cause's id, anonymous senders their flag in the user id.
package enum OneBotEncoder {
    /// Splits the actions caused by the report's event into a quick operation
    /// (where OneBot allows it: `reply`, `at_sender`, `delete`, `kick`, `ban`,
    /// `ban_duration` for group messages; `approve` and `reason` for group
    /// join requests) and API calls for the rest.
    ///
    /// Only actions whose `cause` is the event and whose group is the event's
    /// go into the quick operation, and each of its fields takes one action: the
    /// first `send` becomes the reply, later ones are calls. Calls come in the
    /// order of `actions`. Private messages are ignored by the decoder, so no
    /// event stands for them and their `reply` is never used.
    package static func respond(to event: Event, actions: [Action], options: OneBotOptions) -> OneBotResponse {
        var quick = QuickOperation(event: event)
        var calls: [OneBotAPICall] = []
        for action in actions where !quick.take(action) {
            calls += APICalls.make(for: action, options: options)
        }
        return OneBotResponse(quickOperation: quick.body, calls: calls)
    }

    /// API calls for actions with no report to answer (delayed steps,
    /// schedules, retries), in order. An action OneBot cannot carry out gives
    /// no call: a `notify` with no admin configured, a kick, unmute or private
    /// message for an anonymous sender, an approval whose cause is not a join request.
    package static func calls(for actions: [Action], options: OneBotOptions) -> [OneBotAPICall] {
        actions.flatMap { APICalls.make(for: $0, options: options) }
    }
}
