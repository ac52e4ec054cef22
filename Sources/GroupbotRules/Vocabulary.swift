import GroupbotCore

/// Every key the rule-file parsers accept, in one place: the parsers read
/// their allowed keys from here and `groupbot schema` builds the JSON Schema
/// from the same lists, so the two cannot drift apart.
enum Vocabulary {
    static let file = (["abstract", "description", "extends", "rules", "shadow", "tests", "timezone"] + community).sorted()
    static let community = ["ad_slots", "admin_commands", "ban_list", "ladders", "nickname", "normalize", "quiet_alert",
                            "quiet_hours", "raid", "texts", "welcome"]
    static let texts = (["language"] + BuiltInTexts.Key.allCases.map(\.rawValue)).sorted()
    static let rule = ["actions", "ad_slot", "allowed_domains", "at", "cooldown", "days", "description", "disabled", "except", "group_days",
                       "id", "ladder", "monthdays", "normalize", "notify_admins", "on", "only_if_silent", "priority",
                       "reason", "rotate", "shadow", "skip_if_silent", "stop", "when"]
    static let quietAlert = ["active_below", "at", "days", "top"]
    static let when = ["first_messages", "groups", "in_ad_slot", "in_raid", "invited", "invites", "joined_within", "keywords", "kind",
                       "mixed_script", "near_duplicates", "nick_regex", "not", "regex", "repeated", "role", "spam_score", "time"]
    static let nearDuplicates = ["members", "similarity", "within"]
    static let raid = ["calm", "first_messages", "hold_join_requests", "joins", "mute_newcomers", "scope", "welcome", "within"]
    static let banList = ["list_removals", "name"]
    static let keywords = ["all", "any", "case_sensitive", "match", "none"]
    static let except = ["roles", "users"]
    static let cooldown = ["duration", "per", "window"]
    static let time = ["days", "from", "to"]
    static let repeated = ["across_groups", "count", "in_groups", "within"]
    static let groups = ["more_than", "types"]
    static let invites = ["count", "scope"]
    static let actionOptions = ["after", "mention"]
    static let welcome = ["batch", "except", "steps"]
    static let nickname = ["display", "example", "except", "fields", "reminders", "template", "thanks"]
    static let adSlot = ["days", "from", "quota", "red_packet", "to"]
    static let ladder = ["decay", "window", "steps"]
    static let normalize = ["strip", "words"]
    static let adminCommands = ["approve", "ban", "ham", "pardon", "revoke", "spam", "unban"]
    static let mapping = ["default", "description", "groups"]
    static let mappingEntry = ["id", "name", "type"]
    static let testCase = ["event", "events", "expect", "name", "start", "wait"]
    static let testEvent = ["amount", "at", "group", "group_name", "id", "inviter", "kind", "member_count", "mentions", "nick",
                            "old_nick", "reply_to", "role", "text", "type", "user"]
    static let testExpect = ["action", "group", "rule", "seconds", "text", "text_contains", "user"]
}
