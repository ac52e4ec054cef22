import GroupbotCore
import PCRE2
import Yams

/// The community sections of a type file, each optional so a child type can
/// inherit what it does not set itself.
struct CommunitySpec {
    var welcome: WelcomeScript?
    var nickname: NicknameTemplate?
    var adSlots: [AdSlot]?
    var ladders: [String: Ladder] = [:]
    var normalizer: EvasionNormalizer?
    var adminCommands: AdminCommands?
    var quietHours: TimeWindow?
    var quietAlert: QuietAlert?
    var raid: RaidMode?
    var banList: BanListSettings?
    /// `texts:`: the language of the built-in texts, and texts of the type's own.
    var textLanguage: BuiltInTexts.Language?
    var texts: [BuiltInTexts.Key: String] = [:]
}

/// Parses `welcome:`, `nickname:`, `ad_slots:`, `ladders:`, `normalize:` and
/// `admin_commands:` of a type file.
struct CommunityParser {

    let reader: YAMLNodeReader

    func parse(_ top: [String: Node]) -> CommunitySpec {
        var spec = CommunitySpec()
        if let node = top["welcome"] { spec.welcome = welcome(node) }
        if let node = top["nickname"] { spec.nickname = nickname(node) }
        if let node = top["ad_slots"] { spec.adSlots = adSlots(node) }
        if let node = top["ladders"] { spec.ladders = ladders(node) }
        if let node = top["normalize"] { spec.normalizer = normalizer(node) }
        if let node = top["admin_commands"] { spec.adminCommands = adminCommands(node) }
        if let node = top["quiet_hours"] { spec.quietHours = ConditionParser(reader: reader).window(node, what: "quiet_hours") }
        if let node = top["quiet_alert"] { spec.quietAlert = quietAlert(node) }
        if let node = top["raid"] { spec.raid = raid(node) }
        if let node = top["ban_list"] { spec.banList = banList(node) }
        if let node = top["texts"] { texts(node, into: &spec) }
        return spec
    }

    // MARK: - Built-in texts

    /// `texts: { language: en, pardoned: "…{member}…" }`: each text's placeholders are checked
    /// against what that text offers, like a template's.
    private func texts(_ node: Node, into spec: inout CommunitySpec) {
        guard let keys = reader.mapping(node, allowed: Vocabulary.texts, what: "texts") else { return }
        for (name, value) in keys.sorted(by: { $0.key < $1.key }) {
            guard let text = reader.string(value, what: name) else { continue }
            guard let key = BuiltInTexts.Key(rawValue: name) else {
                guard let language = BuiltInTexts.Language(rawValue: text) else {
                    reader.fail(value, "no built-in texts in '\(text)'",
                                expected: BuiltInTexts.Language.allCases.map(\.rawValue).joined(separator: " or "))
                    continue
                }
                spec.textLanguage = language
                continue
            }
            for unknown in BuiltInTexts.unknownPlaceholders(in: text, for: key) {
                let offered = key.placeholders
                reader.fail(value, "the text uses {\(unknown)}, which \(name) does not offer",
                            expected: offered.isEmpty ? "no placeholders" : "one of " + offered.map { "{\($0)}" }.joined(separator: ", "),
                            suggestion: Spelling.suggestion(for: unknown, among: offered))
            }
            spec.texts[key] = text
        }
    }

    // MARK: - Welcome

    private func welcome(_ node: Node) -> WelcomeScript? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.welcome, what: "welcome") else { return nil }
        let batch = keys["batch"].flatMap { reader.duration($0, what: "batch") } ?? 0
        guard let stepsNode = keys["steps"] else {
            reader.fail(node, "welcome has no steps", expected: "steps: a list such as - send: \"欢迎 {names}\"")
            return nil
        }
        let steps = ActionParser(reader: reader, triggers: [.join], isSchedule: false, captureNames: [],
                                 allowed: ["send", "dm", "notify"], context: "a welcome step",
                                 flowFields: [.names, .count]).parse(stepsNode)
        return WelcomeScript(batchSeconds: batch, exemptions: exemptions(keys["except"]), steps: steps)
    }

    func exemptions(_ node: Node?) -> Exemptions {
        guard let node, let keys = reader.mapping(node, allowed: Vocabulary.except, what: "except") else {
            return Exemptions()
        }
        let roles = keys["roles"].map { ConditionParser(reader: reader).roles($0) } ?? []
        let users = keys["users"].flatMap { reader.strings($0, what: "users") } ?? []
        return Exemptions(roles: roles, users: Set(users))
    }

    // MARK: - Nickname

    private func nickname(_ node: Node) -> NicknameTemplate? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.nickname, what: "nickname") else { return nil }
        guard let templateNode = keys["template"], let template = reader.string(templateNode, what: "template") else {
            if keys["template"] == nil {
                reader.fail(node, "nickname has no template", expected: "template: \"{city}-{name}-{product}\"")
            }
            return nil
        }
        var fields: [String: String] = ["name": #"\p{sc=Han}{2,4}"#, "any": #"\S+"#]
        if let fieldsNode = keys["fields"] {
            guard case .mapping(let mapping) = fieldsNode else {
                reader.fail(fieldsNode, "fields should be a mapping", expected: "city: [西安, 咸阳] or product: \"鱼油|钙片\"")
                return nil
            }
            for (keyNode, value) in mapping {
                guard let name = keyNode.scalar?.string else { continue }
                if case .sequence = value, let words = reader.strings(value, what: name) {
                    fields[name] = words.map(Self.escape).joined(separator: "|")
                } else if let pattern = reader.string(value, what: name) {
                    fields[name] = pattern
                }
            }
        }
        guard let source = compileTemplate(template, fields: fields, at: templateNode) else { return nil }
        let pattern: PCRE2Pattern
        do {
            pattern = try PCRE2Pattern(source)
        } catch {
            reader.fail(templateNode, "the nickname template does not compile: \(error.message)",
                        expected: "field patterns that are PCRE2 regular expressions")
            return nil
        }
        let display = keys["display"].flatMap { reader.string($0, what: "display") } ?? template
        let example = keys["example"].flatMap { reader.string($0, what: "example") } ?? ""
        if let exampleNode = keys["example"], (try? pattern.matches(example, scratch: MatchScratch())) != true {
            reader.fail(exampleNode, "the example '\(example)' does not fit the template",
                        expected: "a nickname the template accepts")
        }
        let parser = ActionParser(reader: reader, triggers: [.join, .rename], isSchedule: false, captureNames: [],
                                  allowed: ["send", "dm", "notify", "mute", "kick"], context: "a nickname step",
                                  flowFields: [.template, .example])
        let reminders = keys["reminders"].map(parser.parse) ?? []
        let thanks = keys["thanks"].map { thanksNode -> [ActionStep] in
            if case .scalar = thanksNode {  // one text: a private thank-you, checked like a step's text
                let texts = parser.templates(thanksNode, what: "thanks")
                return texts.isEmpty ? [] : [ActionStep(kind: .dm, texts: texts)]
            }
            return parser.parse(thanksNode)
        } ?? []
        return NicknameTemplate(pattern: pattern, display: display, example: example,
                                exemptions: exemptions(keys["except"]), reminders: reminders, thanks: thanks)
    }

    /// `{city}-{name}` → `^(?<city>…)-(?<name>…)$`, literal parts escaped.
    private func compileTemplate(_ template: String, fields: [String: String], at node: Node) -> String? {
        var pattern = "^"
        var named: Set<String> = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            pattern += Self.escape(String(rest[..<open]))
            guard let close = rest[open...].firstIndex(of: "}") else {
                reader.fail(node, "'{' in the nickname template is never closed", expected: "{field} placeholders")
                return nil
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard let field = fields[name] else {
                reader.fail(node, "the nickname template uses {\(name)}, which is not declared",
                            expected: "a field under fields:, or the built-in {name} or {any}",
                            suggestion: Spelling.suggestion(for: name, among: fields.keys))
                return nil
            }
            // A field used twice is captured by name the first time only (PCRE2 wants unique names).
            let nameable = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            let group = nameable && named.insert(name).inserted ? "?<\(name)>" : "?:"
            pattern += "(\(group)\(field))"
            rest = rest[rest.index(after: close)...]
        }
        return pattern + Self.escape(String(rest)) + "$"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if #"\^$.|?*+()[]{}/"#.contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    // MARK: - Ad slots and ladders

    private func adSlots(_ node: Node) -> [AdSlot] {
        guard case .sequence(let items) = node else {
            reader.fail(node, "ad_slots should be a list", expected: "- { days: [fri], from: \"20:00\", to: \"21:00\" }")
            return []
        }
        return items.compactMap { item -> AdSlot? in
            guard let keys = reader.mapping(item, allowed: Vocabulary.adSlot, what: "an ad slot") else { return nil }
            guard let fromNode = keys["from"], let toNode = keys["to"],
                  let from = reader.timeOfDay(fromNode, what: "from"), let to = reader.timeOfDay(toNode, what: "to")
            else {
                if keys["from"] == nil || keys["to"] == nil {
                    reader.fail(item, "an ad slot needs 'from' and 'to'", expected: "from: \"20:00\", to: \"21:00\"")
                }
                return nil
            }
            let days = keys["days"].flatMap { reader.weekdays($0, what: "days") } ?? []
            let quota = keys["quota"].flatMap { reader.integer($0, what: "quota") } ?? 1
            var redPacket: Double?
            if let node = keys["red_packet"], let text = reader.string(node, what: "red_packet") {
                guard let amount = Double(text), amount > 0 else {
                    reader.fail(node, "red_packet '\(text)' is not an amount", expected: "a positive number such as 5")
                    return nil
                }
                redPacket = amount
            }
            return AdSlot(window: TimeWindow(fromMinute: from % 1440, toMinute: to, days: days), quota: quota,
                          minimumRedPacket: redPacket)
        }
    }

    private func ladders(_ node: Node) -> [String: Ladder] {
        guard case .mapping(let mapping) = node else {
            reader.fail(node, "ladders should be a mapping of names to ladders", expected: "ads: { decay: 30d, steps: [...] }")
            return [:]
        }
        var ladders: [String: Ladder] = [:]
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string,
                  let keys = reader.mapping(value, allowed: Vocabulary.ladder, what: "ladder '\(keyNode.scalar?.string ?? "")'")
            else { continue }
            let counting: Ladder.Counting
            if let window = keys["window"] {
                if let decay = keys["decay"] {
                    reader.fail(decay, "ladder '\(name)' has both 'decay' and 'window'",
                                expected: "decay: 30d (the count starts again 30 days after the last strike) or window: 30d (the strikes of the last 30 days), not both")
                }
                counting = .window(seconds: reader.duration(window, what: "window") ?? 30 * 86_400)
            } else {
                counting = .decay(seconds: keys["decay"].flatMap { reader.duration($0, what: "decay") } ?? 30 * 86_400)
            }
            guard let stepsNode = keys["steps"], case .sequence(let items) = stepsNode, !items.isEmpty else {
                reader.fail(value, "ladder '\(name)' has no steps", expected: "steps: a list, one entry per offence")
                continue
            }
            let parser = ActionParser(reader: reader, triggers: [.message], isSchedule: false, captureNames: [],
                                      allowed: ActionParser.names, context: "a ladder step",
                                      flowFields: [.rule, .reason, .strikes, .nextSlot, .slotReason])
            let steps = items.map { item -> [ActionStep] in
                if case .sequence = item { return parser.parse(item) }
                return parser.parse(.sequence(Node.Sequence([item])))
            }
            ladders[name] = Ladder(name: name, counting: counting, steps: steps)
        }
        return ladders
    }

    // MARK: - Normalisation and admin commands

    private func normalizer(_ node: Node) -> EvasionNormalizer? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.normalize, what: "normalize") else { return nil }
        var words: [String: [String]] = [:]
        if let wordsNode = keys["words"] {
            guard case .mapping(let mapping) = wordsNode else {
                reader.fail(wordsNode, "words should map a word to its variants", expected: "微信: [薇信, 威信, V信]")
                return nil
            }
            for (keyNode, value) in mapping {
                guard let word = keyNode.scalar?.string, let variants = reader.strings(value, what: word) else { continue }
                words[word] = variants
            }
        }
        let strip = keys["strip"].flatMap { reader.string($0, what: "strip") } ?? EvasionNormalizer.defaultStrip
        return EvasionNormalizer(words: words, strip: strip)
    }

    /// `quiet_alert: { at: "09:00", active_below: 3, days: 7, top: 5 }`
    private func quietAlert(_ node: Node) -> QuietAlert? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.quietAlert, what: "quiet_alert") else { return nil }
        guard let belowNode = keys["active_below"], let below = reader.integer(belowNode, what: "active_below"),
              let daysNode = keys["days"], let days = reader.integer(daysNode, what: "days"), days >= 1
        else {
            reader.fail(node, "quiet_alert needs active_below and days (1 or more)", expected: "quiet_alert: { active_below: 3, days: 7 }")
            return nil
        }
        let minute = keys["at"].flatMap { reader.timeOfDay($0, what: "at") } ?? 9 * 60
        let top = keys["top"].flatMap { reader.integer($0, what: "top") } ?? 5
        guard below >= 1, top >= 0, days <= 365 else {
            reader.fail(node, "quiet_alert needs active_below of 1 or more, top of 0 or more and days up to 365",
                        expected: "quiet_alert: { active_below: 3, days: 7, top: 5 }")
            return nil
        }
        return QuietAlert(minuteOfDay: minute % 1440, activeBelow: below, days: days, top: top)
    }

    private func adminCommands(_ node: Node) -> AdminCommands? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.adminCommands, what: "admin_commands") else {
            return nil
        }
        let standard = AdminCommands.standard
        return AdminCommands(
            pardon: keys["pardon"].flatMap { reader.strings($0, what: "pardon") } ?? standard.pardon,
            approve: keys["approve"].flatMap { reader.strings($0, what: "approve") } ?? standard.approve,
            revoke: keys["revoke"].flatMap { reader.strings($0, what: "revoke") } ?? standard.revoke,
            spam: keys["spam"].flatMap { reader.strings($0, what: "spam") } ?? standard.spam,
            ham: keys["ham"].flatMap { reader.strings($0, what: "ham") } ?? standard.ham,
            ban: keys["ban"].flatMap { reader.strings($0, what: "ban") } ?? standard.ban,
            unban: keys["unban"].flatMap { reader.strings($0, what: "unban") } ?? standard.unban)
    }

    /// `raid: { joins: 10, within: 1m, calm: 10m, mute_newcomers: 30m }`
    private func raid(_ node: Node) -> RaidMode? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.raid, what: "raid") else { return nil }
        guard let withinNode = keys["within"], let within = reader.duration(withinNode, what: "within") else {
            if keys["within"] == nil { reader.fail(node, "raid needs 'within'", expected: "raid: { joins: 10, within: 1m }") }
            return nil
        }
        func count(_ key: String) -> Int? {
            guard let countNode = keys[key], let value = reader.integer(countNode, what: key) else { return nil }
            guard value >= 2 else {
                reader.fail(countNode, "raid \(key) \(value) would switch on at every \(key == "joins" ? "join" : "first message")",
                            expected: "2 or more")
                return nil
            }
            return value
        }
        let joins = count("joins"), firstMessages = count("first_messages")
        guard joins != nil || firstMessages != nil else {
            if keys["joins"] == nil, keys["first_messages"] == nil {
                reader.fail(node, "raid counts nothing", expected: "joins: N and/or first_messages: N within the window")
            }
            return nil
        }
        var acrossType = false
        if let scopeNode = keys["scope"], let scope = reader.string(scopeNode, what: "scope") {
            guard scope == "group" || scope == "type" else {
                reader.fail(scopeNode, "unknown raid scope '\(scope)'", expected: "group or type",
                            suggestion: Spelling.suggestion(for: scope, among: ["group", "type"]))
                return nil
            }
            acrossType = scope == "type"
        }
        let calm = keys["calm"].flatMap { reader.duration($0, what: "calm") } ?? 10 * 60
        var mute: Int64? = 30 * 60
        if let muteNode = keys["mute_newcomers"] {
            mute = muteNode.scalar?.string.lowercased() == "false" ? nil : reader.duration(muteNode, what: "mute_newcomers")
        }
        return RaidMode(joins: joins, firstMessages: firstMessages, windowSeconds: within, acrossType: acrossType,
                        calmSeconds: max(calm, 1),
                        holdJoinRequests: keys["hold_join_requests"].flatMap { reader.bool($0, what: "hold_join_requests") } ?? true,
                        muteNewcomersSeconds: mute,
                        skipWelcome: !(keys["welcome"].flatMap { reader.bool($0, what: "welcome") } ?? false))
    }

    /// `ban_list: brand-a`, or `ban_list: { name: brand-a, list_removals: false }`.
    private func banList(_ node: Node) -> BanListSettings? {
        if case .scalar = node {
            return reader.string(node, what: "ban_list").map { BanListSettings(name: $0) }
        }
        guard let keys = reader.mapping(node, allowed: Vocabulary.banList, what: "ban_list") else { return nil }
        guard let nameNode = keys["name"], let name = reader.string(nameNode, what: "name"), !name.isEmpty else {
            reader.fail(node, "ban_list needs a 'name'", expected: "ban_list: { name: brand-a }: types naming the same list share it")
            return nil
        }
        return BanListSettings(name: name,
                               listRemovals: keys["list_removals"].flatMap { reader.bool($0, what: "list_removals") } ?? true)
    }
}
