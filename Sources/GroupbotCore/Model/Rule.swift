/// Where something was written in a rule file, for messages that point back to it.
package struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var column: Int

    /// Creates a location (1-based line and column).
    package init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    package var description: String { "\(file):\(line):\(column)" }
}

/// How long a rule stays quiet after firing, and for whom.
package struct Cooldown: Sendable, Equatable {
    /// Whom the quiet period covers.
    package enum Scope: String, Sendable, CaseIterable {
        /// The whole group.
        case group
        /// The member who triggered it, in that group.
        case user
        /// The member who triggered it, in every group of the type.
        case userEverywhere = "user_everywhere"
    }

    /// How long the quiet period lasts.
    package enum Window: Sendable, Equatable {
        /// `duration:` this many seconds from the firing.
        case rolling(seconds: Int64)
        /// `window: day`: until the end of the calendar day in the group type's time zone.
        case day
    }

    package var window: Window
    package var scope: Scope

    /// Creates a cooldown.
    package init(window: Window, scope: Scope = .group) {
        self.window = window
        self.scope = scope
    }

    /// A rolling cooldown of `seconds`.
    package init(seconds: Int64, scope: Scope = .group) {
        self.init(window: .rolling(seconds: seconds), scope: scope)
    }

    /// When a quiet period that starts at `now` ends (`utcOffsetSeconds`: the type's offset now).
    package func end(from now: Instant, utcOffsetSeconds: Int) -> Instant {
        switch window {
        case .rolling(let seconds):
            return now.adding(seconds: seconds)
        case .day:
            let day = LocalTime(now, utcOffsetSeconds: utcOffsetSeconds).dayNumber
            return Instant(seconds: Int64(day + 1) * 86_400 - Int64(utcOffsetSeconds))
        }
    }
}

/// When a schedule rule runs: a local time of day, on some weekdays.
package struct Schedule: Sendable, Equatable {
    /// Minutes after local midnight.
    package var minuteOfDay: Int
    /// Weekdays it runs on; empty means every day.
    package var days: Set<Weekday>
    /// Days of the month it runs on (1–31); empty means every day. With `days`, both must match.
    package var monthDays: Set<Int>
    /// Texts of a list are posted in turn, per group (else one is picked at random, stable per occurrence).
    package var rotate: Bool
    /// Skip a group with no message for this long (nothing to gain posting to a dead group).
    package var skipIfSilentSeconds: Int64?
    /// Post only to groups with no message for this long (a revival prompt).
    package var onlyIfSilentSeconds: Int64?
    /// Post only to groups on these days of their life (1 = the day the bot first saw the group):
    /// a newcomer programme such as day 1, 3 and 7.
    package var groupDays: Set<Int>

    /// Creates a schedule.
    package init(minuteOfDay: Int, days: Set<Weekday> = [], monthDays: Set<Int> = [], rotate: Bool = false,
                skipIfSilentSeconds: Int64? = nil, onlyIfSilentSeconds: Int64? = nil, groupDays: Set<Int> = []) {
        self.minuteOfDay = minuteOfDay
        self.days = days
        self.monthDays = monthDays
        self.rotate = rotate
        self.skipIfSilentSeconds = skipIfSilentSeconds
        self.onlyIfSilentSeconds = onlyIfSilentSeconds
        self.groupDays = groupDays
    }

    /// How far back missed occurrences are still posted when the clock jumps (a restart
    /// after an outage, a log with a gap): seven days. Older ones are skipped, as cron
    /// skips runs missed while the machine was off, so a clock that jumps by centuries
    /// costs at most a week of posts, not one per day skipped (docs/security.md).
    package static let catchUpSeconds: Int64 = 7 * 86_400

    /// For an occurrence due at `due` that fires with the clock at `now`: whether it is still
    /// posted (within the catch-up window) and the next occurrence to wait for.
    package func catchingUp(from due: Instant, now: Instant, in zone: any TimeZoneRule) -> (posts: Bool, next: Instant) {
        let start = now.adding(seconds: -Self.catchUpSeconds)
        return (due >= start, nextOccurrence(after: max(due, start), in: zone))
    }

    /// The first occurrence strictly after `instant` in `zone`.
    package func nextOccurrence(after instant: Instant, in zone: any TimeZoneRule) -> Instant {
        let offset = zone.utcOffsetSeconds(at: instant)
        let local = LocalTime(instant, utcOffsetSeconds: offset)
        for dayDelta in 0...1500 {
            let day = local.dayNumber + dayDelta
            let localSeconds = Int64(day) * 86_400 + Int64(minuteOfDay) * 60
            // The offset that applies is the one in force at the occurrence itself (daylight saving time).
            let guess = Instant(seconds: localSeconds - Int64(offset))
            let candidate = Instant(seconds: localSeconds - Int64(zone.utcOffsetSeconds(at: guess)))
            let weekday = Weekday(dayNumber: day)
            let monthDay = Timestamp.civil(fromDays: day).day
            if candidate > instant, days.isEmpty || days.contains(weekday),
               monthDays.isEmpty || monthDays.contains(monthDay) {
                return candidate
            }
        }
        // No matching day in four years (an impossible combination): never.
        return Instant(milliseconds: Int64.max / 2)
    }
}

/// One step of a rule's action list, before it is filled in for an event.
package struct ActionStep: Sendable, Equatable {
    package var kind: ActionKind
    /// The texts to choose from (one picked, stable per event); empty when the action has none.
    package var texts: [Template]
    /// Reply to the triggering message and mention its sender (`send`); on events
    /// other than messages, only the mention remains.
    package var replyToEvent: Bool
    /// Mention the member who triggered it (`send`).
    package var mention: Bool
    /// Mute duration (`mute`).
    package var seconds: Int64?
    /// Delay before the action is due.
    package var delaySeconds: Int64

    /// Creates a step.
    package init(
        kind: ActionKind, texts: [Template] = [], replyToEvent: Bool = false, mention: Bool = false,
        seconds: Int64? = nil, delaySeconds: Int64 = 0
    ) {
        self.kind = kind
        self.texts = texts
        self.replyToEvent = replyToEvent
        self.mention = mention
        self.seconds = seconds
        self.delaySeconds = delaySeconds
    }
}

/// A compiled rule: trigger, conditions, exemptions, actions.
///
/// A class, so the engine's hot loop reads rules in place instead of copying them.
package final class Rule: Sendable {
    package let id: String
    /// The event types that trigger it (empty for schedule rules).
    package let triggers: Set<EventType>
    /// Set for schedule rules.
    package let schedule: Schedule?
    package let priority: Int
    /// All must hold.
    package let conditions: [Condition]
    package let exemptRoles: Set<MemberRole>
    package let exemptUsers: Set<String>
    package let cooldown: Cooldown?
    /// No further rules run for the event once this one fires.
    package let stop: Bool
    package let steps: [ActionStep]
    /// Where the rule was written.
    package let location: SourceLocation
    /// Ad slots, ladders, normalisation and admin notices.
    package let enforcement: Enforcement
    /// Whether members an admin trusts are left alone: ad, ladder and flood rules.
    package let sparesTrusted: Bool
    /// Whether firing needs the flow context (contextual placeholders, a ladder, an admin notice).
    let needsContext: Bool
    /// Whether firing acts on the member (so admins may later name them by replying to the message).
    let actsOnMember: Bool
    /// Whether any role or member is exempt: kept in the rule itself, so the check for
    /// most rules reads no set.
    let hasExemptions: Bool

    /// Creates a rule.
    package init(
        id: String, triggers: Set<EventType>, schedule: Schedule? = nil, priority: Int = 0,
        conditions: [Condition] = [], exemptRoles: Set<MemberRole> = [], exemptUsers: Set<String> = [],
        cooldown: Cooldown? = nil, stop: Bool = false, steps: [ActionStep],
        location: SourceLocation = SourceLocation(file: "", line: 0, column: 0), enforcement: Enforcement = Enforcement()
    ) {
        self.enforcement = enforcement
        self.sparesTrusted = enforcement.honoursAdSlots || enforcement.ladder != nil
            || conditions.contains { if case .repeated = $0 { true } else { false } }
        let enforces = steps.contains { [.delete, .mute, .kick, .dm].contains($0.kind) }
        self.actsOnMember = enforces || enforcement.ladder != nil
        self.needsContext = enforcement.ladder != nil || (enforces && enforcement.notifyAdmins)
            || steps.contains { $0.texts.contains(where: \.usesContext) }
        self.id = id
        self.triggers = triggers
        self.schedule = schedule
        self.priority = priority
        self.conditions = conditions
        self.exemptRoles = exemptRoles
        self.exemptUsers = exemptUsers
        self.hasExemptions = !exemptRoles.isEmpty || !exemptUsers.isEmpty
        self.cooldown = cooldown
        self.stop = stop
        self.steps = steps
        self.location = location
    }
}
