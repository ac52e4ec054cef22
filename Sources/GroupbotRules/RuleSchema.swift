import Foundation
import GroupbotCore

/// JSON Schema (draft 2020-12) for rule files, built from ``Vocabulary`` — the
/// same key lists the parsers accept — so schema and parser cannot drift.
///
/// Editors that speak yaml-language-server use it for completion and inline
/// errors; see docs/rules.md.
package enum RuleSchema {
    /// The schema of a group type file (`rules/<type>.yaml`).
    package static func typeFile() -> String { render(typeFileSchema()) }

    /// The schema of the group mapping (`rules/groups.yaml`).
    package static func mappingFile() -> String { render(mappingSchema()) }

    /// Keys of the vocabulary that have no typed schema (a test keeps this empty).
    package static var untypedKeys: [String] {
        var missing: [String] = []
        _ = typeFileSchema(missing: &missing)
        _ = mappingSchema(missing: &missing)
        return missing
    }

    // MARK: - Building blocks

    private typealias Schema = [String: Any]

    private static var text: Schema {
        ["type": "string"]
    }
    private static var flag: Schema {
        ["type": "boolean"]
    }
    private static var integer: Schema {
        ["type": "integer"]
    }
    private static var duration: Schema {
        [
        "description": "A duration: 30s, 10m, 2h, 1d or a number of seconds.",
        "anyOf": [["type": "integer", "minimum": 0], ["type": "string", "pattern": "^[0-9]+[smhd]?$"]],
    ]
    }
    private static var clock: Schema {
        ["type": "string", "pattern": "^([01][0-9]|2[0-4]):[0-5][0-9]$",
                                        "description": "A local time of day, HH:MM."]
    }
    /// A day name, or a list of them (the parser takes both).
    private static var days: Schema {
        let day: Schema = ["enum": Weekday.names.keys.sorted()]
        return ["anyOf": [day, ["type": "array", "items": day]]]
    }
    private static var texts: Schema {
        ["anyOf": [text, ["type": "array", "items": text, "minItems": 1]],
                                        "description": "A text, or a list of texts (one picked per event)."]
    }
    private static var roles: Schema {
        ["anyOf": [["enum": MemberRole.allCases.map(\.rawValue)],
                                                  ["type": "array", "items": ["enum": MemberRole.allCases.map(\.rawValue)]]]]
    }
    private static var strings: Schema {
        ["anyOf": [text, ["type": "array", "items": text]]]
    }

    private static func object(_ keys: [String], _ fields: [String: Schema], required: [String] = [],
                               missing: inout [String], description: String? = nil) -> Schema {
        var properties: [String: Schema] = [:]
        for key in keys {
            if let field = fields[key] {
                properties[key] = field
            } else {
                missing.append(key)
                properties[key] = [:]
            }
        }
        var schema: Schema = ["type": "object", "additionalProperties": false, "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        if let description { schema["description"] = description }
        return schema
    }

    private static func action(allowed names: [String]) -> Schema {
        let single: [Schema] = names.map { name in
            var value: Schema
            switch name {
            case "send", "reply", "dm", "notify": value = texts
            case "reject": value = ["anyOf": [texts, ["type": "null"]]]
            case "mute": value = duration
            default: value = ["anyOf": [["type": "null"], ["const": true]]]
            }
            return ["type": "object", "required": [name], "additionalProperties": false,
                    "properties": [name: value, "after": duration, "mention": flag]]
        }
        let bare = names.filter { !["send", "reply", "dm", "notify", "mute"].contains($0) }
        return ["anyOf": [["enum": bare]] + single]
    }

    private static func actions(_ names: [String]) -> Schema {
        ["type": "array", "items": action(allowed: names)]
    }

    // MARK: - Type files

    private static func typeFileSchema() -> Schema {
        var missing: [String] = []
        return typeFileSchema(missing: &missing)
    }

    private static func typeFileSchema(missing: inout [String]) -> Schema {
        let except = object(Vocabulary.except, ["roles": roles, "users": strings], missing: &missing)
        let keywords = object(Vocabulary.keywords, [
            "any": strings, "all": strings, "none": strings,
            "match": ["enum": KeywordMatchMode.allCases.map(\.rawValue)], "case_sensitive": flag,
        ], missing: &missing)
        let time = object(Vocabulary.time, ["from": clock, "to": clock, "days": days], required: ["from", "to"],
                          missing: &missing)
        var when = object(Vocabulary.when, [
            "keywords": keywords, "regex": text, "nick_regex": text, "kind": strings, "role": roles, "time": time,
            "not": ["$ref": "#/$defs/when"],
            "repeated": object(Vocabulary.repeated, ["count": ["type": "integer", "minimum": 2, "maximum": Condition.repeatedMemory], "within": duration, "across_groups": flag, "in_groups": ["type": "integer", "minimum": 2]],
                               required: ["count", "within"], missing: &missing),
            "groups": object(Vocabulary.groups, ["more_than": integer, "types": strings], required: ["more_than"],
                             missing: &missing),
            "in_ad_slot": flag,
            "first_messages": ["type": "integer", "minimum": 1], "joined_within": duration, "invited": flag,
            "mixed_script": flag, "in_raid": flag,
            "spam_score": ["type": "number", "exclusiveMinimum": 0, "maximum": 1],
            "near_duplicates": object(Vocabulary.nearDuplicates, [
                "members": ["type": "integer", "minimum": 2], "within": duration,
                "similarity": ["type": "number", "minimum": 0.3, "maximum": 1],
            ], required: ["members", "within"], missing: &missing),
            "invites": ["anyOf": [integer, object(Vocabulary.invites, [
                "count": integer, "scope": ["enum": InviteScope.allCases.map(\.rawValue)],
            ], required: ["count"], missing: &missing)]],
        ], missing: &missing)
        when["description"] = "Conditions; all must hold."
        let cooldown: Schema = ["anyOf": [duration, object(Vocabulary.cooldown, [
            "duration": duration, "window": ["enum": ["day"]], "per": ["enum": Cooldown.Scope.allCases.map(\.rawValue)],
        ], missing: &missing)]]
        let triggers = ["message", "join", "leave", "rename", "join_request", "schedule"]
        let rule = object(Vocabulary.rule, [
            "id": ["type": "string", "pattern": "^[A-Za-z0-9_-]+$"], "description": text,
            "on": ["anyOf": [["enum": triggers], ["type": "array", "items": ["enum": triggers]]]],
            "priority": integer, "when": ["$ref": "#/$defs/when"], "except": except, "cooldown": cooldown,
            "stop": flag, "disabled": flag, "actions": actions(ActionParser.names), "at": clock, "days": days,
            "monthdays": ["type": "array", "items": ["type": "integer", "minimum": 1, "maximum": 31]],
            "rotate": ["enum": ["in_order", "random"]], "skip_if_silent": duration, "only_if_silent": duration,
            "group_days": ["type": "array", "items": ["type": "integer", "minimum": 1]],
            "ad_slot": flag, "allowed_domains": strings, "ladder": text, "normalize": flag, "notify_admins": flag, "reason": text, "shadow": flag,
        ], required: ["id"], missing: &missing)
        let flowSteps = { (names: [String]) -> Schema in actions(names) }
        let welcome = object(Vocabulary.welcome, [
            "batch": duration, "except": except, "steps": flowSteps(["send", "dm", "notify"]),
        ], required: ["steps"], missing: &missing)
        let nickname = object(Vocabulary.nickname, [
            "template": text, "display": text, "example": text, "except": except,
            "fields": ["type": "object", "additionalProperties": strings],
            "reminders": flowSteps(["send", "dm", "notify", "mute", "kick"]),
            "thanks": ["anyOf": [text, flowSteps(["send", "dm", "notify", "mute", "kick"])]],
        ], required: ["template"], missing: &missing)
        let adSlot = object(Vocabulary.adSlot, [
            "days": days, "from": clock, "to": clock, "quota": integer, "red_packet": ["type": "number", "exclusiveMinimum": 0],
        ], required: ["from", "to"], missing: &missing)
        let ladder = object(Vocabulary.ladder, [
            "decay": duration,
            "window": duration,
            "steps": ["type": "array", "minItems": 1, "items": ["anyOf": [actions(ActionParser.names), action(allowed: ActionParser.names)]]],
        ], required: ["steps"], missing: &missing)
        let normalize = object(Vocabulary.normalize, [
            "strip": text, "words": ["type": "object", "additionalProperties": strings],
        ], missing: &missing)
        let adminCommands = object(Vocabulary.adminCommands, [
            "pardon": strings, "approve": strings, "revoke": strings, "spam": strings, "ham": strings, "ban": strings,
            "unban": strings,
        ], missing: &missing)
        let raid = object(Vocabulary.raid, [
            "joins": ["type": "integer", "minimum": 2], "first_messages": ["type": "integer", "minimum": 2], "within": duration,
            "scope": ["enum": ["group", "type"]], "calm": duration, "hold_join_requests": flag,
            "mute_newcomers": ["anyOf": [duration, ["enum": [false]]]], "welcome": flag,
        ], required: ["within"], missing: &missing)
        let banList = ["anyOf": [text, object(Vocabulary.banList, ["name": text, "list_removals": flag], required: ["name"],
                                             missing: &missing)]] as Schema
        let testEvent = object(Vocabulary.testEvent, [
            "type": ["enum": EventType.allCases.map(\.rawValue)], "text": text, "nick": text, "user": text, "id": text,
            "role": ["enum": MemberRole.allCases.map(\.rawValue)], "kind": text, "group": text, "group_name": text,
            "amount": ["type": ["number", "string"]], "inviter": text, "old_nick": text, "mentions": strings,
            "reply_to": text, "member_count": integer, "at": duration,
        ], missing: &missing)
        let expected = object(Vocabulary.testExpect, [
            "action": ["enum": ActionKind.allCases.map(\.rawValue)], "rule": text, "text": text, "text_contains": text,
            "user": text, "seconds": duration, "group": text,
        ], missing: &missing)
        let testCase = object(Vocabulary.testCase, [
            "name": text, "start": text, "event": testEvent, "events": ["type": "array", "items": testEvent],
            "wait": duration,
            "expect": ["anyOf": [["enum": ["none", "no actions"]], ["type": "array", "items": expected]]],
        ], required: ["expect"], missing: &missing)
        var file = object(Vocabulary.file, [
            "description": text, "abstract": flag, "extends": text, "timezone": text, "shadow": flag,
            "rules": ["type": "array", "items": rule], "tests": ["type": "array", "items": testCase],
            "welcome": welcome, "nickname": nickname, "ad_slots": ["type": "array", "items": adSlot],
            "ladders": ["type": "object", "additionalProperties": ladder], "normalize": normalize,
            "admin_commands": adminCommands, "quiet_hours": time, "raid": raid, "ban_list": banList,
            "texts": object(Vocabulary.texts, Dictionary(uniqueKeysWithValues: Vocabulary.texts.map {
                ($0, $0 == "language" ? ["enum": BuiltInTexts.Language.allCases.map(\.rawValue)] as Schema : text)
            }), missing: &missing),
            "quiet_alert": object(Vocabulary.quietAlert, ["at": clock, "active_below": integer, "days": integer, "top": integer],
                                  required: ["active_below", "days"], missing: &missing),
        ], missing: &missing, description: "A groupbot group type file (rules/<type>.yaml).")
        file["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        file["title"] = "groupbot group type"
        file["$defs"] = ["when": when]
        return file
    }

    // MARK: - The mapping file

    private static func mappingSchema() -> Schema {
        var missing: [String] = []
        return mappingSchema(missing: &missing)
    }

    private static func mappingSchema(missing: inout [String]) -> Schema {
        let entry = object(Vocabulary.mappingEntry, ["id": text, "name": text, "type": text], required: ["type"],
                           missing: &missing)
        var schema = object(Vocabulary.mapping, [
            "default": text, "description": text, "groups": ["type": "array", "items": entry],
        ], required: ["default"], missing: &missing, description: "The groupbot group mapping (rules/groups.yaml).")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = "groupbot group mapping"
        return schema
    }

    private static func render(_ schema: Schema) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: schema, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
