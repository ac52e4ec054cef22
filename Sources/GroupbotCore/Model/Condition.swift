import PCRE2
import RegexPrefilter

/// The text a regex condition looks at.
package enum TextField: String, Sendable {
    case text
    case nick
    /// The text after the group type's normaliser (rules with `normalize: true`).
    case normalizedText
}

/// What a keyword list requires of a text.
package enum KeywordRequirement: Sendable, Equatable {
    /// At least one word occurs.
    case any
    /// Every one of `count` distinct words occurs.
    case all(count: Int)
    /// No word occurs.
    case none
}

/// A local time window, e.g. 22:00–02:00 on Fridays.
package struct TimeWindow: Sendable, Equatable {
    /// Start, minutes after local midnight (inclusive).
    package var fromMinute: Int
    /// End, minutes after local midnight (exclusive); smaller than `fromMinute` when the window crosses midnight.
    package var toMinute: Int
    /// The days a window may start on; empty means every day.
    package var days: Set<Weekday>

    /// A minute of the day as members read it, `HH:MM`; midnight at the end of a window reads `00:00`.
    package static func clockText(_ minute: Int) -> String {
        let hour = minute / 60 % 24, rest = minute % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    /// Creates a window.
    package init(fromMinute: Int, toMinute: Int, days: Set<Weekday> = []) {
        self.fromMinute = fromMinute
        self.toMinute = toMinute
        self.days = days
    }

    /// Whether `local` falls inside the window. For a window crossing midnight,
    /// the part after midnight belongs to the day the window started.
    package func contains(_ local: LocalTime) -> Bool {
        let minute = local.minuteOfDay
        func startsOn(_ day: Weekday) -> Bool { days.isEmpty || days.contains(day) }
        if fromMinute <= toMinute {
            return minute >= fromMinute && minute < toMinute && startsOn(local.weekday)
        }
        if minute >= fromMinute { return startsOn(local.weekday) }
        if minute < toMinute { return startsOn(local.weekday.previous) }
        return false
    }

    /// The local day number on which the occurrence of the window containing
    /// `local` started, or nil when `local` is outside the window.
    package func occurrenceStartDay(containing local: LocalTime) -> Int? {
        guard contains(local) else { return nil }
        return fromMinute > toMinute && local.minuteOfDay < toMinute ? local.dayNumber - 1 : local.dayNumber
    }
}

/// One condition of a rule; a rule fires only when all of its conditions hold.
package enum Condition: Sendable {
    /// How many of a member's latest messages a `repeated` condition can look back on:
    /// its `count` is at most this.
    package static let repeatedMemory = 64

    /// A keyword list of the group type's ``KeywordIndex``.
    case keywords(slot: Int, requirement: KeywordRequirement)
    /// A keyword list of the group type's index over normalised text.
    case normalizedKeywords(slot: Int, requirement: KeywordRequirement)
    /// A PCRE2 pattern searched in a text field; named captures of `text` regexes feed templates.
    /// The gate, when present, rules out texts that cannot match without running the pattern.
    case regex(RegexCondition)
    /// The message kind is one of these.
    case kind(Set<String>)
    /// The sender's role is one of these.
    case role(Set<MemberRole>)
    /// The local time is inside the window.
    case time(TimeWindow)
    /// Not all of the nested conditions hold.
    case not([Condition])
    /// The member posted the same (near-same) text at least `count` times within the window, this one
    /// included; across groups, in at least `inGroups` distinct groups.
    case repeated(count: Int, withinSeconds: Int64, acrossGroups: Bool, inGroups: Int)
    /// The member is in more than `count` groups of these types (this one included).
    case memberships(moreThan: Int, types: Set<String>)
    /// The inviter of this join has now invited exactly `count` members, counted in the scope.
    case invites(reach: Int, scope: InviteScope)
    /// The event's local time is (or, with false, is not) inside an ad slot of the type.
    case inAdSlot(Bool)
    /// The message is among the sender's first `count` messages in the group since their
    /// join was seen.
    case firstMessages(Int)
    /// The member's join into the group was seen less than this many seconds ago.
    case joinedWithin(Int64)
    /// The member's seen join came with (true) or without (false) an inviter.
    case invited(Bool)
    /// A word of the text mixes letters of two alphabets (`wеchat` with a Cyrillic е), or not.
    case mixedScript(Bool)
    /// At least `members` distinct members (the sender included) posted this text or one at
    /// least `similarity` alike (Jaccard of character shingles) within the window, in any group
    /// of a type that asks.
    case nearDuplicates(members: Int, withinSeconds: Int64, similarity: Double)
    /// The classifier trained from admins' marks scores the text at least this likely spam.
    case spamScore(atLeast: Double)
    /// The group is (or, with false, is not) in raid mode.
    case inRaid(Bool)
}

/// Where a member's invitations are counted.
package enum InviteScope: String, Sendable, CaseIterable {
    /// Into this group (the default).
    case group
    /// Into any group of this group type.
    case type
    /// Into any group.
    case all
}

/// A regex condition: the pattern, the text it looks at and its gate.
///
/// A class, so that evaluating a rule borrows its parts instead of copying
/// (and reference counting) each of them for every candidate event.
package final class RegexCondition: Sendable {
    /// The text the pattern is searched in.
    package let field: TextField
    package let pattern: PCRE2Pattern
    /// When present, rules out texts that cannot match without running the pattern.
    package let gate: RegexGate?

    /// Creates a regex condition.
    package init(field: TextField, pattern: PCRE2Pattern, gate: RegexGate? = nil) {
        self.field = field
        self.pattern = pattern
        self.gate = gate
    }
}

/// Cheap necessary conditions for a `text` regex to match, checked before PCRE2 runs.
///
/// Built from ``RequiredLiterals``: when the text lacks every literal a match
/// needs, or has fewer digits or bytes than a match needs, the regex cannot
/// match and is not run. The literals are found by the group type's keyword
/// pass, which runs once per message anyway.
package struct RegexGate: Sendable, Equatable {
    /// The keyword slot holding the literals of which a match contains one; nil when none is required.
    package var slot: Int?
    /// Decimal digits a match contains.
    package var minimumDigits: Int
    /// UTF-8 bytes a match spans at least.
    package var minimumBytes: Int
    /// ``TextFeatures`` masks: the text must have a character with one of each mask's features.
    package var features: [UInt64]
    /// White-space characters a match contains (as ``WhiteSpaceCount`` counts them).
    package var minimumSpaces: Int

    /// Creates a gate.
    package init(slot: Int?, minimumDigits: Int, minimumBytes: Int, features: [UInt64] = [], minimumSpaces: Int = 0) {
        self.slot = slot
        self.minimumSpaces = minimumSpaces
        self.minimumDigits = minimumDigits
        self.minimumBytes = minimumBytes
        self.features = features
    }
}
