import GroupbotCore
import PCRE2

/// A condition as written, before keyword lists are given slots in their group type's index.
enum ConditionSpec {
    case keywords(KeywordList, KeywordRequirementKind)
    case regex(TextField, PCRE2Pattern)
    case kind(Set<String>)
    case role(Set<MemberRole>)
    case time(TimeWindow)
    case not([ConditionSpec])
    case repeated(count: Int, withinSeconds: Int64, acrossGroups: Bool, inGroups: Int)
    case memberships(moreThan: Int, types: Set<String>, location: SourceLocation)
    case invites(reach: Int, scope: InviteScope)
    case inAdSlot(Bool, location: SourceLocation)
    case firstMessages(Int)
    case joinedWithin(Int64)
    case invited(Bool)
    case mixedScript(Bool)
    case nearDuplicates(members: Int, withinSeconds: Int64, similarity: Double)
    case spamScore(atLeast: Double)
    case inRaid(Bool)
}

enum KeywordRequirementKind {
    case any, all, none
}

/// A rule as parsed from one file, before inheritance and compilation.
struct RuleSpec {
    var id: String
    var location: SourceLocation
    var triggers: Set<EventType>
    var schedule: Schedule?
    var priority: Int
    var conditions: [ConditionSpec]
    var exemptRoles: Set<MemberRole>
    var exemptUsers: Set<String>
    var cooldown: Cooldown?
    var stop: Bool
    var disabled: Bool
    var steps: [ActionStep]
    var enforcement = Enforcement()
    /// Where `ladder:` and `ad_slot:` were written, to report a ladder or slots the type lacks.
    var ladderLocation: SourceLocation?
    var adSlotLocation: SourceLocation?
}

/// One group type file as parsed.
struct TypeFile {
    var name: String
    var file: String
    var extends: String?
    var extendsLocation: SourceLocation
    /// `abstract: true`: a file that only exists to be extended; no group maps to it.
    var abstractLocation: SourceLocation?
    var timeZone: (any TimeZoneRule)?
    var rules: [RuleSpec]
    var community = CommunitySpec()
    var tests: [RuleTestCase] = []
}
