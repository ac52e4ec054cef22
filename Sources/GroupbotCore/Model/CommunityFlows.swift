import PCRE2

/// Who a flow leaves alone: staff, bots, listed members.
package struct Exemptions: Sendable, Equatable {
    package var roles: Set<MemberRole>
    package var users: Set<String>

    /// Creates exemptions.
    package init(roles: Set<MemberRole> = [], users: Set<String> = []) {
        self.roles = roles
        self.users = users
    }

    /// Whether the sender of `event` is exempt.
    package func exempt(_ event: Event) -> Bool {
        roles.contains(event.role) || users.contains(event.user)
    }
}

/// The join ritual of a group type (入群仪式): a welcome and the steps after it.
///
/// Joins within `batchSeconds` of the first are welcomed together: the
/// welcome is posted when the window closes and `{names}` lists everyone who
/// joined in it and is still there. Later steps count from the welcome. A
/// member who leaves before a step is due does not get it; a group step is
/// dropped when everyone it names has left.
package struct WelcomeScript: Sendable {
    /// The batching window; 0 welcomes each join at once.
    package var batchSeconds: Int64
    package var exemptions: Exemptions
    /// `send`, `dm` and `notify` steps; `delaySeconds` counts from the welcome.
    package var steps: [ActionStep]

    /// Creates a script.
    package init(batchSeconds: Int64, exemptions: Exemptions, steps: [ActionStep]) {
        self.batchSeconds = batchSeconds
        self.exemptions = exemptions
        self.steps = steps
    }
}

/// The nickname template of a group type, e.g. `{city}-{name}-{product}`.
///
/// A member whose nickname does not fit after joining or renaming gets the
/// reminders, each `delaySeconds` after that moment; renaming to a fitting
/// nickname, or leaving, cancels what is pending. Renaming to another wrong
/// nickname keeps the original deadlines, so the ladder cannot be reset.
package struct NicknameTemplate: Sendable {
    /// The template compiled to an anchored pattern.
    package var pattern: PCRE2Pattern
    /// How the template reads to members, e.g. `城市-姓名-产品`.
    package var display: String
    /// A nickname that fits, e.g. `西安-王芳-鱼油`.
    package var example: String
    package var exemptions: Exemptions
    /// Reminder steps, in order (a private note, a group reminder, optionally a mute or removal).
    package var reminders: [ActionStep]
    /// Sent when a member who had reminders pending renames correctly.
    package var thanks: [ActionStep]

    /// Creates a template.
    package init(pattern: PCRE2Pattern, display: String, example: String, exemptions: Exemptions,
                reminders: [ActionStep], thanks: [ActionStep]) {
        self.pattern = pattern
        self.display = display
        self.example = example
        self.exemptions = exemptions
        self.reminders = reminders
        self.thanks = thanks
    }
}

/// A window in which members may post ads (广告时段), with its conditions.
package struct AdSlot: Sendable, Equatable {
    package var window: TimeWindow
    /// Ads allowed per member per occurrence of the slot.
    package var quota: Int
    /// When set, the member must have sent a red packet of at least this amount in the
    /// group during the current slot, before the ad.
    package var minimumRedPacket: Double?

    /// Creates a slot.
    package init(window: TimeWindow, quota: Int, minimumRedPacket: Double? = nil) {
        self.window = window
        self.quota = quota
        self.minimumRedPacket = minimumRedPacket
    }
}

/// An escalation ladder: strikes per member and ladder, with decay. Offence
/// number n takes step n (the last step repeats once the ladder is climbed).
package struct Ladder: Sendable {
    /// How a member's strikes are counted.
    package enum Counting: Sendable, Equatable {
        /// `decay:` the count starts again once the last strike is this many seconds old.
        case decay(seconds: Int64)
        /// `window:` the count is the strikes of the last this many seconds (a sliding window).
        case window(seconds: Int64)
    }

    package var name: String
    package var counting: Counting
    package var steps: [[ActionStep]]

    /// Creates a ladder.
    package init(name: String, counting: Counting, steps: [[ActionStep]]) {
        self.name = name
        self.counting = counting
        self.steps = steps
    }
}

/// Words that admins type in the group to overrule the bot about a member
/// (named by replying to their message or mentioning them).
package struct AdminCommands: Sendable, Equatable {
    /// Clear the member's strikes and lift a mute.
    package var pardon: [String]
    /// Trust the member: rules with an ad slot, a ladder or a repeat condition leave them alone.
    package var approve: [String]
    /// Withdraw that trust.
    package var revoke: [String]
    /// Mark the message replied to as spam, for the classifier (`spam_score`).
    package var spam: [String]
    /// Mark the message replied to as not spam.
    package var ham: [String]
    /// Remove the member and put them on the type's shared ban list.
    package var ban: [String]
    /// Take the member off the shared ban list.
    package var unban: [String]

    /// Creates the command words.
    package init(pardon: [String], approve: [String], revoke: [String], spam: [String] = [], ham: [String] = [],
                 ban: [String] = [], unban: [String] = []) {
        self.pardon = pardon
        self.approve = approve
        self.revoke = revoke
        self.spam = spam
        self.ham = ham
        self.ban = ban
        self.unban = unban
    }

    /// The defaults: slash commands and their Chinese equivalents.
    package static let standard = AdminCommands(
        pardon: ["/pardon", "赦免"], approve: ["/approve", "信任"], revoke: ["/revoke", "取消信任"],
        spam: ["/spam", "这是广告"], ham: ["/ham", "不是广告"], ban: ["/ban", "拉黑"], unban: ["/unban", "解除拉黑"])
}

/// Rewrites text so that evasive spellings match plain keywords and regexes
/// (full-width letters, spaced-out characters, Chinese numerals for digits,
/// homophones of 微信…). Supplied by the rules module.
package protocol TextNormalizing: Sendable {
    /// The normalised form of `text`.
    func normalize(_ text: String) -> String
}

/// The quiet stage of a group's life: when its active members stay under a
/// threshold for some days, the operators are told, with the most active
/// members listed so they can be moved to a livelier group.
package struct QuietAlert: Sendable, Equatable {
    /// When the daily check runs (minutes after local midnight).
    package var minuteOfDay: Int
    /// Fewer members than this posting on a day makes it a quiet day.
    package var activeBelow: Int
    /// Quiet days in a row before the alert.
    package var days: Int
    /// How many of the most active members to list.
    package var top: Int

    /// Creates an alert.
    package init(minuteOfDay: Int, activeBelow: Int, days: Int, top: Int) {
        self.minuteOfDay = minuteOfDay
        self.activeBelow = activeBelow
        self.days = days
        self.top = top
    }
}

/// Everything a group type configures beyond its rules.
package struct CommunitySettings: Sendable {
    package var welcome: WelcomeScript?
    package var nickname: NicknameTemplate?
    package var adSlots: [AdSlot]
    package var ladders: [String: Ladder]
    package var normalizer: (any TextNormalizing)?
    package var adminCommands: AdminCommands
    /// No scheduled post goes out inside this window.
    package var quietHours: TimeWindow?
    package var quietAlert: QuietAlert?
    /// The texts the engine writes by itself for this type (notices, formats, units).
    package var texts: BuiltInTexts
    package var raid: RaidMode?
    package var banList: BanListSettings?

    /// Creates settings; the defaults configure nothing.
    package init(
        welcome: WelcomeScript? = nil, nickname: NicknameTemplate? = nil, adSlots: [AdSlot] = [],
        ladders: [String: Ladder] = [:], normalizer: (any TextNormalizing)? = nil,
        adminCommands: AdminCommands = .standard, quietHours: TimeWindow? = nil, quietAlert: QuietAlert? = nil,
        texts: BuiltInTexts = .standard, raid: RaidMode? = nil, banList: BanListSettings? = nil
    ) {
        self.raid = raid
        self.banList = banList
        self.texts = texts
        self.quietHours = quietHours
        self.quietAlert = quietAlert
        self.welcome = welcome
        self.nickname = nickname
        self.adSlots = adSlots
        self.ladders = ladders
        self.normalizer = normalizer
        self.adminCommands = adminCommands
    }
}
