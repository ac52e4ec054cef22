import Foundation
import GroupbotCore
import GroupbotRuntime

/// The rules `serve` runs: their version, when they were loaded, the last reload that failed.
package struct RulesStatus: Sendable {
    package var version: String
    package var loadedAt: Date
    package var lastError: String?
    package var types: Int
    package var rules: Int
}

/// What the console shows of a group from the engine: its type and why, strikes, flows.
package struct GroupInspection: Sendable {
    package var type: String
    package var mappingReason: String
    package var strikes: [StrikeSummary]
    package var pending: [PendingFlow]
}

/// What the operators' console asks of the engine. Reads only, except the pardon, which
/// goes through the engine as the admin command it is.
extension EngineHost {
    /// The rules running now.
    package func rulesStatus(startVersion: String, startedAt: Date) -> RulesStatus {
        let book = pipeline.engine.book
        return RulesStatus(version: reloader?.version ?? startVersion,
                           loadedAt: reloader?.loadedAt ?? startedAt, lastError: reloader?.lastError,
                           types: book.groupTypeNames.count, rules: book.ruleCount)
    }

    /// A group as the engine knows it.
    package func inspect(group: String) -> GroupInspection {
        let engine = pipeline.engine
        let (type, reason) = engine.mapping(ofGroup: group)
        let strikes = engine.strikeSummaries().filter { summary in summary.history.contains { $0.group == group } }
        return GroupInspection(type: type, mappingReason: reason, strikes: strikes, pending: engine.pendingFlows(group: group))
    }

    /// `explain` for a message typed in the console, on a copy of the engine's state: what it
    /// would do now, with the strikes and cooldowns it has, and nothing changes.
    package func explainOnCopy(_ event: Event) -> Explanation {
        let clock = VirtualClock()
        clock.advance(to: event.time)
        let scratch = Engine(book: pipeline.engine.book, clock: clock)
        scratch.restore(pipeline.engine.snapshot())
        _ = scratch.fireDueTimers()
        return scratch.explain(event)
    }

    /// The command words admins type in `group` (its type's, or the defaults).
    package func adminCommands(ofGroup group: String) -> AdminCommands {
        let engine = pipeline.engine
        return engine.book.types[engine.mapping(ofGroup: group).type]?.community.adminCommands ?? .standard
    }

    /// The rules running now (for a replay report or a comparison in the console).
    package var book: RuleBook { pipeline.engine.book }
}
