import GroupbotCore
import Yams

/// Reads typed values out of a Yams node tree, recording a ``RuleError`` with
/// the node's file:line:column for every value of the wrong shape.
///
/// Readers return `nil` after recording an error, so one pass reports every
/// mistake in a file instead of stopping at the first.
package final class YAMLNodeReader {
    package let file: String
    package private(set) var errors: [RuleError] = []
    /// Things that work but are probably not what the author meant (lint).
    package private(set) var warnings: [RuleError] = []

    /// Whether to give the warnings that cost time (see ``RuleBookLoader/loadWithTests(files:lintsDeeply:)``).
    package let lintsDeeply: Bool

    package init(file: String, lintsDeeply: Bool = true) {
        self.file = file
        self.lintsDeeply = lintsDeeply
    }

    /// The document's root, or nil (the mistake recorded with its line and column) when the
    /// text is not valid YAML, repeats a key, or expands past ``YAMLExpansionLimit``. An
    /// empty document is nil too, recorded as a mistake only when `empty` says what was expected.
    package func compose(_ contents: String, empty expected: String?) -> Node? {
        do {
            guard let root = try Yams.compose(yaml: contents) else {
                if let expected { fail(nil, "the file is empty", expected: expected) }
                return nil
            }
            if let node = YAMLExpansionLimit.firstNodePastLimit(in: root) {
                fail(node, YAMLExpansionLimit.reason, expected: "fewer aliases, or the repeated part written once")
                return nil
            }
            return root
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let detail = context.map { "\($0.text), " } ?? ""
                record(RuleError(at: SourceLocation(file: file, line: mark.line, column: mark.column),
                                 "not valid YAML: \(detail)\(problem)"))
            case .duplicatedKeysInMapping(let duplicates, let context):
                record(RuleError(at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                                 "key '\(duplicates.joined(separator: "', '"))' appears twice in one mapping",
                                 expected: "each key once"))
            default:
                fail(nil, "not valid YAML: \(error)")
            }
            return nil
        } catch {
            fail(nil, "not valid YAML: \(error)")
            return nil
        }
    }

    package func location(of node: Node?) -> SourceLocation {
        let mark = node?.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    package func fail(_ node: Node?, _ problem: String, expected: String? = nil, suggestion: String? = nil) {
        errors.append(RuleError(at: location(of: node), problem, expected: expected, suggestion: suggestion))
    }

    package func record(_ error: RuleError) {
        errors.append(error)
    }

    package func warn(_ node: Node?, _ problem: String, expected: String? = nil, suggestion: String? = nil) {
        warnings.append(RuleError(at: location(of: node), problem, expected: expected, suggestion: suggestion))
    }

    /// A mapping whose keys are all in `allowed`; unknown keys are reported with a did-you-mean.
    package func mapping(_ node: Node, allowed: [String], what: String) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            fail(node, "\(what) should be a mapping", expected: "keys such as \(allowed.prefix(4).joined(separator: ", "))")
            return nil
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                fail(keyNode, "a key in \(what) should be a plain name")
                continue
            }
            guard allowed.contains(key) else {
                fail(keyNode, "unknown key '\(key)' in \(what)",
                     expected: "one of \(allowed.joined(separator: ", "))",
                     suggestion: Spelling.suggestion(for: key, among: allowed))
                continue
            }
            if result[key] != nil { fail(keyNode, "key '\(key)' appears twice in \(what)") }
            result[key] = value
        }
        return result
    }

    package func string(_ node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            fail(node, "\(what) should be a single value", expected: "text")
            return nil
        }
        return scalar.string
    }

    /// A list of strings; a single scalar counts as a list of one.
    package func strings(_ node: Node, what: String) -> [String]? {
        switch node {
        case .scalar(let scalar):
            return [scalar.string]
        case .sequence(let sequence):
            var values: [String] = []
            for item in sequence {
                guard let value = string(item, what: "an item of \(what)") else { return nil }
                values.append(value)
            }
            return values
        default:
            fail(node, "\(what) should be a value or a list of values")
            return nil
        }
    }

    package func integer(_ node: Node, what: String) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = Int(text) else {
            fail(node, "\(what) '\(text)' is not a whole number", expected: "a number such as 10")
            return nil
        }
        return value
    }

    package func double(_ node: Node, what: String) -> Double? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = Double(text), value.isFinite else {
            fail(node, "\(what) '\(text)' is not a number", expected: "a number such as 1.5")
            return nil
        }
        return value
    }

    package func bool(_ node: Node, what: String) -> Bool? {
        guard let text = string(node, what: what) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            fail(node, "\(what) '\(text)' is not true or false", expected: "true or false")
            return nil
        }
    }

    /// The longest duration a rule may state: ten years.
    static let longestDuration: Int64 = 3650 * 86_400

    /// `30s`, `10m`, `2h`, `1d` or a number of seconds.
    package func duration(_ node: Node, what: String) -> Int64? {
        guard let text = string(node, what: what) else { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text.trimmingSpaces), unit: Int64 = 1
        if let last = digits.last, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard let value = Int64(digits), value >= 0 else {
            fail(node, "\(what) '\(text)' is not a duration", expected: "a duration such as 30s, 10m, 2h or 1d")
            return nil
        }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow, seconds <= Self.longestDuration else {
            fail(node, "\(what) '\(text)' is longer than ten years", expected: "a duration up to 3650d")
            return nil
        }
        return seconds
    }

    /// `HH:MM` as minutes after midnight.
    package func timeOfDay(_ node: Node, what: String) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440
        else {
            fail(node, "\(what) '\(text)' is not a time of day", expected: "HH:MM, e.g. 09:00 or 21:30")
            return nil
        }
        return hour * 60 + minute
    }

    package func weekdays(_ node: Node, what: String) -> Set<Weekday>? {
        guard let names = strings(node, what: what) else { return nil }
        var days: Set<Weekday> = []
        for name in names {
            guard let day = Weekday.names[name.lowercased()] else {
                fail(node, "'\(name)' in \(what) is not a weekday", expected: "mon, tue, wed, thu, fri, sat or sun",
                     suggestion: Spelling.suggestion(for: name, among: Weekday.names.keys.sorted()))
                return nil
            }
            days.insert(day)
        }
        return days
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
