import GroupbotCore
import GroupbotRuntime

/// What a replayed log did, rule by rule: the author's view of "what would
/// this rule set have done to last month's traffic".
package struct ReplayReport: Sendable {
    /// One rule's activity.
    package struct RuleActivity: Sendable, Equatable {
        package let rule: String
        /// Group types that include the rule.
        package let types: [String]
        /// Events (or schedule occurrences) on which it acted.
        package var hits: Int
        /// Actions it produced.
        package var actions: Int
        /// Of which shadow notices (what the rule would have done).
        package var shadowed: Int
        /// The first few causes, to look them up in the log.
        package var examples: [String]
    }

    /// Per rule, in name order; rules that never acted have zero hits.
    package var rules: [RuleActivity]
    /// Actions per group type.
    package var actionsByType: [String: Int]
    /// Events per group, busiest first.
    package var busiestGroups: [(group: String, events: Int)]
    /// Members with strikes.
    package var strikes: [StrikeSummary]
    package var events: Int
    package var actions: Int

    /// The rules that never acted.
    package var silentRules: [String] { rules.filter { $0.hits == 0 }.map(\.rule) }
}

/// Collects a ``ReplayReport`` while a pipeline runs: as an action sink in front
/// of another sink, and as the pipeline's event observer.
package final class ReplayReportCollector: ActionSink {
    private let inner: (any ActionSink)?
    private let book: RuleBook
    private var activity: [String: ReplayReport.RuleActivity] = [:]
    private var hits = RuleHits()
    private var eventsByGroup: [String: Int] = [:]
    private var actionsByGroup: [String: Int] = [:]
    private var events = 0
    private var actions = 0
    /// How many example causes are kept per rule.
    package static let exampleCount = 3

    /// Creates a collector passing actions on to `inner` (nil: keep none).
    package init(book: RuleBook, passingTo inner: (any ActionSink)? = nil) {
        self.book = book
        self.inner = inner
        var typesOfRule: [String: [String]] = [:]
        for (name, type) in book.types where !book.abstractTypes.contains(name) {
            for rule in type.rules { typesOfRule[rule.id, default: []].append(name) }
        }
        for (rule, types) in typesOfRule {
            activity[rule] = .init(rule: rule, types: types.sorted(), hits: 0, actions: 0, shadowed: 0, examples: [])
        }
    }

    /// Counts an event (the pipeline calls this for every decoded event).
    package func observe(_ event: Event) {
        events += 1
        if !event.group.isEmpty { eventsByGroup[event.group, default: 0] += 1 }
    }

    package func deliver(_ batch: [Action]) {
        for action in batch {
            actions += 1
            actionsByGroup[action.group, default: 0] += 1
            var entry = activity[action.rule]
                ?? .init(rule: action.rule, types: [], hits: 0, actions: 0, shadowed: 0, examples: [])
            entry.actions += 1
            if action.isShadowNotice { entry.shadowed += 1 }
            if hits.isHit(action) {
                entry.hits += 1
                if entry.examples.count < Self.exampleCount { entry.examples.append(action.cause) }
            }
            activity[action.rule] = entry
        }
        inner?.deliver(batch)
    }

    package func flush() {
        inner?.flush()
    }

    /// The report, with the engine's strike records and its group-to-type mapping.
    package func report(engine: Engine) -> ReplayReport {
        var byType: [String: Int] = [:]
        for (group, count) in actionsByGroup {
            byType[engine.typeName(ofGroup: group) ?? "?", default: 0] += count
        }
        let busiest = eventsByGroup.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map { ($0.key, $0.value) }
        return ReplayReport(
            rules: activity.values.sorted { $0.rule < $1.rule }, actionsByType: byType, busiestGroups: Array(busiest),
            strikes: engine.strikeSummaries(), events: events, actions: actions)
    }
}

extension Action {
    /// Whether this is the notice a rule in shadow mode sends instead of acting.
    var isShadowNotice: Bool { kind == .notify && id.hasSuffix(":shadow") }
}
