import PCRE2

/// The heart of groupbot: takes events, runs them through the rules of their
/// group type, and returns actions. No I/O; time comes from the injected clock.
///
/// ```swift
/// let clock = VirtualClock()
/// let engine = Engine(book: book, clock: clock)
/// clock.advance(to: event.time)
/// let actions = engine.fireDueTimers() + engine.handle(event)
/// ```
///
/// Not thread-safe: one engine belongs to one task, which feeds it in order.
public final class Engine {
    /// Something waiting on the timer queue.
    private enum Pending {
        /// An action delayed with `after:`.
        case action(Action)
        /// The next occurrence of a schedule rule.
        case schedule(type: String, rule: Int)
    }

    private struct CooldownKey: Hashable {
        let type: String
        let rule: Int
        let group: String
        let user: String?
    }

    public let book: RuleBook
    private let clock: any EngineClock
    private var timers = TimerQueue<Pending>()
    private var cooldownUntil: [CooldownKey: Instant] = [:]
    /// Per group id: its last known name and its type.
    private var groups: [String: (name: String?, typeName: String, type: GroupType?)] = [:]
    /// Reused per event: the candidate rules as a bit set (one task drives an engine).
    @exclusivity(unchecked) private var candidateBits: [UInt64] = []
    private var groupsOfType: [String: Set<String>] = [:]
    private var schedulesStarted = false
    private var pendingActions = 0
    private var problems: [String] = []
    private let keywordScratch = KeywordScratch()
    private let matchScratch = MatchScratch()

    /// Creates an engine running `book`, reading time from `clock`.
    public init(book: RuleBook, clock: any EngineClock) {
        self.book = book
        self.clock = clock
    }

    /// When the earliest pending timer (delayed action or schedule) is due.
    public var nextTimerDue: Instant? {
        startSchedulesIfNeeded()
        return timers.nextDue
    }

    /// The number of delayed actions waiting for their time (schedules not counted).
    public var pendingActionCount: Int { pendingActions }

    /// Problems met since the last call (e.g. a regex that hit its match limit), then forgets them.
    public func drainProblems() -> [String] {
        guard !problems.isEmpty else { return [] }
        defer { problems = [] }
        return problems
    }

    /// The group type for a group, remembering its name when the event carries one.
    public func groupType(for event: Event) -> GroupType? {
        resolveType(group: event.group, name: event.groupName).type
    }

    // MARK: - Events

    /// Runs `event` through its group type's rules; returns the actions due now.
    /// Delayed actions wait on the timer queue for ``fireDueTimers()``.
    public func handle(_ event: Event) -> [Action] {
        startSchedulesIfNeeded()
        guard event.type != .tick else { return [] }
        let (typeName, resolved) = resolveType(group: event.group, name: event.groupName)
        guard let type = resolved else { return [] }
        let plan = type.plan(for: event.type)
        guard !plan.isEmpty else { return [] }

        var evaluation = RuleEvaluation(type: type, keywordScratch: keywordScratch, matchScratch: matchScratch)
        if plan.usesSlots {
            evaluation.countKeywords(event)
            plan.candidates(hitSlots: keywordScratch.hitSlots, into: &candidateBits)
        } else {
            plan.candidates(hitSlots: [], into: &candidateBits)
        }
        var actions: [Action] = []
        let now = clock.now
        var stopped = false
        for word in candidateBits.indices where !stopped {
            var bits = candidateBits[word]
            while bits != 0, !stopped {
                let index = word * 64 + bits.trailingZeroBitCount
                bits &= bits - 1
                let rule = type.rules[index]
                guard !evaluation.isExempt(event, from: rule), evaluation.holds(rule, for: event) else { continue }
                if let cooldown = rule.cooldown {
                    let key = CooldownKey(type: typeName, rule: index, group: event.group,
                                          user: cooldown.scope == .user ? event.user : nil)
                    if let until = cooldownUntil[key], now < until { continue }
                    cooldownUntil[key] = now.adding(seconds: cooldown.seconds)
                }
                fire(rule, event: event, captures: evaluation.captures, now: now, into: &actions)
                stopped = rule.stop
            }
        }
        problems.append(contentsOf: evaluation.problems)
        return actions
    }

    /// Renders the rule's steps: immediate ones into `actions`, delayed ones onto the timer queue.
    private func fire(_ rule: Rule, event: Event, captures: [String: Substring], now: Instant, into actions: inout [Action]) {
        for (step, template) in rule.steps.enumerated() {
            let action = makeAction(template, step: step, rule: rule, event: event, captures: captures, now: now)
            if template.delaySeconds > 0 {
                timers.schedule(.action(action), at: action.due)
                pendingActions += 1
            } else {
                actions.append(action)
            }
        }
    }

    // MARK: - Timers

    /// Fires every timer due at or before the clock's now, in due order; returns their actions.
    public func fireDueTimers() -> [Action] {
        startSchedulesIfNeeded()
        var actions: [Action] = []
        while let (due, pending) = timers.popDue(at: clock.now) {
            switch pending {
            case .action(let action):
                pendingActions -= 1
                actions.append(action)
            case .schedule(let typeName, let index):
                guard let type = book.types[typeName] else { continue }
                actions.append(contentsOf: runSchedule(type: type, rule: index, at: due))
                let next = type.rules[index].schedule!.nextOccurrence(after: due, in: type.timeZone)
                timers.schedule(.schedule(type: typeName, rule: index), at: next)
            }
        }
        return actions
    }

    private func startSchedulesIfNeeded() {
        guard !schedulesStarted else { return }
        schedulesStarted = true
        let now = clock.now
        for typeName in book.types.keys.sorted() {
            let type = book.types[typeName]!
            for index in type.scheduleRules {
                let next = type.rules[index].schedule!.nextOccurrence(after: now, in: type.timeZone)
                timers.schedule(.schedule(type: typeName, rule: index), at: next)
            }
        }
    }

    /// A schedule occurrence posts to every group of the type seen so far, in id order.
    private func runSchedule(type: GroupType, rule index: Int, at due: Instant) -> [Action] {
        let rule = type.rules[index]
        let offset = type.timeZone.utcOffsetSeconds(at: due)
        let cause = "\(rule.id)@\(Timestamp.format(due, utcOffsetSeconds: offset))"
        var actions: [Action] = []
        for group in (groupsOfType[type.name] ?? []).sorted() {
            let event = Event(type: .tick, id: cause, time: due, utcOffsetSeconds: offset,
                              group: group, groupName: groups[group]?.name)
            for (step, template) in rule.steps.enumerated() {
                var action = makeAction(template, step: step, rule: rule, event: event, captures: [:], now: due)
                action.id = "\(cause):\(group):\(step)"
                action.user = nil
                action.mention = nil
                action.replyTo = nil
                if template.delaySeconds > 0 {
                    timers.schedule(.action(action), at: action.due)
                    pendingActions += 1
                } else {
                    actions.append(action)
                }
            }
        }
        return actions
    }

    // MARK: - Helpers

    /// The type name of a group, mapping it again when its name changes, and
    /// keeping the per-type group lists (for schedules) up to date.
    private func resolveType(group: String, name: String?) -> (name: String, type: GroupType?) {
        if let known = groups[group], name == nil || name == known.name { return (known.typeName, known.type) }
        let groupName = name ?? groups[group]?.name
        let typeName = book.mapping.type(ofGroup: group, named: groupName, scratch: matchScratch)
        if let previous = groups[group]?.typeName, previous != typeName { groupsOfType[previous]?.remove(group) }
        let type = book.types[typeName]
        groups[group] = (groupName, typeName, type)
        groupsOfType[typeName, default: []].insert(group)
        return (typeName, type)
    }

    private static let stepNames = (0..<16).map { ":" + String($0) }

    /// `cause:rule:step`, built without string interpolation (it runs for every action).
    static func actionID(cause: String, rule: String, step: Int) -> String {
        var id = cause
        id.reserveCapacity(cause.utf8.count + rule.utf8.count + 4)
        id += ":"
        id += rule
        id += step < stepNames.count ? stepNames[step] : ":" + String(step)
        return id
    }

    private func makeAction(
        _ step: ActionStep, step index: Int, rule: Rule, event: Event,
        captures: [String: Substring], now: Instant
    ) -> Action {
        var text: String?
        if !step.texts.isEmpty {
            let pick = step.texts.count == 1
                ? 0 : Int(StableHash.of(event.id, rule.id, String(index)) % UInt64(step.texts.count))
            text = step.texts[pick].render(event: event, captures: captures)
        }
        var action = Action(
            id: Self.actionID(cause: event.id, rule: rule.id, step: index), kind: step.kind, group: event.group, text: text,
            rule: rule.id, cause: event.id, due: now.adding(seconds: step.delaySeconds),
            utcOffsetSeconds: event.utcOffsetSeconds)
        switch step.kind {
        case .send:
            // Only a message can be replied to; on other events a reply mentions the member.
            if step.replyToEvent, event.type == .message { action.replyTo = event.id }
            if step.mention || step.replyToEvent { action.mention = event.user }
        case .delete:
            action.user = event.user
            action.message = event.id
        case .mute:
            action.user = event.user
            action.seconds = step.seconds
        case .dm, .unmute, .kick, .approve, .reject, .notify:
            action.user = event.user
        }
        return action
    }
}
