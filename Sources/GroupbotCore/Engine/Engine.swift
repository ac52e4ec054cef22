import PCRE2

/// The heart of groupbot: takes events, runs them through the rules and the
/// community flows of their group type, and returns actions. No I/O; time
/// comes from the injected clock.
///
/// ```swift
/// let clock = VirtualClock()
/// let engine = Engine(book: book, clock: clock)
/// let actions = engine.replay(event, on: clock)  // advances the clock, fires due timers, handles
/// ```
///
/// Not thread-safe: one engine belongs to one task, which feeds it in order.
/// The flows live in `Flows/`: welcome scripts (`Engine+Welcome`), nickname
/// templates (`Engine+Nickname`), ad slots, ladders and admin notices
/// (`Engine+Enforcement`), admin commands (`Engine+AdminCommands`), the quiet-group
/// alert (`QuietGroups`, state and behaviour in one file). What they remember is
/// `state` (`State/EngineState.swift`).
package final class Engine {
    package private(set) var book: RuleBook
    let clock: any EngineClock
    /// Everything the engine remembers (a value: a snapshot is a copy of it).
    var state = EngineState()
    /// Reused per event: the candidate rules as a bit set (one task drives an engine).
    @exclusivity(unchecked) private var candidateBits: [UInt64] = []
    private var lastPrune = Instant(milliseconds: 0)
    var problems: [String] = []
    let keywordScratch = KeywordScratch()
    let normalizedScratch = KeywordScratch()
    let matchScratch = MatchScratch()
    /// The event's normalised text when a flow needed it before the rules (near-duplicates),
    /// handed to the rules' evaluation so that it is worked out once.
    private var flowNormalized: String?
    /// The fingerprint `repeated` counts the event's text by, when the flow noted it already.
    private var flowFingerprint: (event: String, fingerprint: UInt64?)?
    /// The event's text work done ahead on the reading thread for its type (``PreparedText``).
    private var ahead: PreparedText?

    /// Creates an engine running `book`, reading time from `clock`.
    package init(book: RuleBook, clock: any EngineClock) {
        self.book = book
        self.clock = clock
    }

    /// When the earliest pending timer (delayed action, welcome or schedule) is due.
    package var nextTimerDue: Instant? {
        startSchedulesIfNeeded()
        return state.timers.queue.nextDue
    }

    /// The number of delayed actions waiting for their time (schedules not counted).
    package var pendingActionCount: Int { state.timers.pendingActions }

    /// Problems met since the last call (e.g. a regex that hit its match limit), then forgets them.
    package func drainProblems() -> [String] {
        guard !problems.isEmpty else { return [] }
        defer { problems = [] }
        return problems
    }

    /// The group type for a group, remembering its name when the event carries one.
    package func groupType(for event: Event) -> GroupType? {
        resolveType(group: event.group, name: event.groupName).type
    }

    // MARK: - Events

    /// Runs `event` through its group type's flows and rules; returns the actions due now.
    /// Delayed actions wait on the timer queue for ``fireDueTimers()``.
    package func handle(_ event: Event) -> [Action] {
        handle(event, trace: nil)
    }

    /// ``handle(_:)`` with work on the text done ahead on another thread (``TextPreparer``).
    package func handle(_ event: Event, prepared: PreparedText?) -> [Action] {
        handle(event, prepared: prepared, trace: nil)
    }

    /// ``handle(_:)``, writing each rule's verdict into `trace` when there is one (`explain`):
    /// then every rule of the trigger gets a verdict, not only the candidates.
    func handle(_ event: Event, prepared: PreparedText? = nil, trace: DecisionTrace?) -> [Action] {
        startSchedulesIfNeeded()
        guard event.type != .tick else { return [] }
        let known = resolveType(group: event.group, name: event.groupName)
        guard let type = known.type else { return [] }
        let typeName = known.typeName
        if event.type == .member {
            state.members.recordPresence(event, typeName: type.name)
            trace?.handledByFlow = "a member-list line: it teaches memberships, no rule sees it"
            return []
        }
        let now = clock.now
        var actions: [Action] = []
        // What was made ahead for this very type (PreparedText), or nothing.
        ahead = prepared?.typeSerial == type.serial ? prepared : nil
        flowNormalized = ahead?.normalized
        flowFingerprint = nil
        state.activity.recordSeen(event)
        if let handled = runFlows(for: event, type: type, now: now, into: &actions) {
            trace?.handledByFlow = handled + ": no rule sees it"
            return actions
        }

        let plan = type.plan(for: event.type)
        guard !plan.isEmpty else { return actions }
        var evaluation = RuleEvaluation(type: type, keywordScratch: keywordScratch, matchScratch: matchScratch,
                                        normalizedScratch: normalizedScratch, engine: self)
        if let text = flowNormalized {
            evaluation.reuseNormalized(text)
            flowNormalized = nil
        }
        if trace != nil {
            candidateBits = plan.everyRule  // a trace gives every rule of the trigger a verdict
        } else if plan.usesSlots {
            evaluation.useKeywords(ahead?.keywords, event)
            plan.candidates(hitSlots: keywordScratch.hitSlots, into: &candidateBits)
        } else {
            plan.candidates(hitSlots: [], into: &candidateBits)
        }
        var stoppedBy: String?
        let textNeeds = type.textNeeds
        for word in candidateBits.indices where stoppedBy == nil || trace != nil {
            var bits = candidateBits[word]
            while bits != 0, stoppedBy == nil || trace != nil {
                let index = word * 64 + bits.trailingZeroBitCount
                bits &= bits - 1
                let rule = type.rules[index]
                if let stopper = stoppedBy {
                    trace?.record(rule.id, fired: false, "not reached: \(stopper) fired with stop")
                    continue
                }
                // The needs only skip work that the conditions would refuse too; a trace asks them why.
                if trace == nil, textNeeds[index].restricts, !evaluation.mightMeet(textNeeds[index], event: event) { continue }
                if evaluation.isExempt(event, from: rule) {
                    trace?.record(rule.id, fired: false, evaluation.exemption(of: event, from: rule))
                    continue
                }
                guard evaluation.holds(rule, for: event) else {
                    if let trace { trace.record(rule.id, fired: false, evaluation.firstFailure(of: rule, for: event)) }
                    continue
                }
                if rule.sparesTrusted, !state.trust.trusted.isEmpty, state.trust.trusted.contains(MemberKey(event)) {
                    trace?.record(rule.id, fired: false, "conditions hold, but an admin trusts the sender")
                    continue
                }
                var cooldownKey: Cooldowns.Key?
                if let cooldown = rule.cooldown {
                    let key = Cooldowns.Key(type: typeName, rule: rule.id, group: cooldown.scope == .userEverywhere ? "*" : event.group,
                                            user: cooldown.scope == .group ? nil : event.user)
                    if let until = state.cooldowns.until[key], now < until {
                        trace?.record(rule.id, fired: false, "conditions hold, but the cooldown lasts until "
                                      + Timestamp.format(until, utcOffsetSeconds: event.utcOffsetSeconds))
                        continue
                    }
                    cooldownKey = key
                }
                // A rule whose links are all allowed does not apply: no cooldown, no stop. An ad
                // allowed in its slot was handled: it stops as the rule says, but starts no cooldown.
                let outcome = fire(rule, type: type, event: event, captures: evaluation.captures, now: now,
                                   into: &actions, trace: trace)
                if outcome == .notApplicable {
                    trace?.record(rule.id, fired: false, "conditions hold, but every link is to an allowed domain")
                    continue
                }
                if outcome == .acted, let cooldownKey, let cooldown = rule.cooldown {
                    state.cooldowns.until[cooldownKey] = cooldown.end(from: now, utcOffsetSeconds: type.timeZone.utcOffsetSeconds(at: now))
                }
                if let trace { trace.record(rule.id, fired: true, evaluation.success(of: rule, outcome: outcome, trace: trace, for: event)) }
                // A rule on trial must not change what members see: it never stops the rules after it.
                if rule.stop && !rule.enforcement.shadow { stoppedBy = rule.id }
            }
        }
        problems.append(contentsOf: evaluation.problems)
        return actions
    }

    /// The built-in flows that run before the rules. Returns what handled the event when one
    /// did fully (an admin command, a ban list, raid mode), so no rule should see it.
    private func runFlows(for event: Event, type: GroupType, now: Instant, into actions: inout [Action]) -> String? {
        switch event.type {
        case .message:
            // Nicknames are kept only where they are used (the quiet alert names members);
            // members the bot acts on are remembered when it acts.
            if type.community.quietAlert != nil || type.namesInviters { state.members.recordNick(of: event) }
            // A member who speaks in a group is in it, whether or not their join was seen (kept
            // only when a rule counts memberships: RuleBook.countsMemberships).
            if book.countsMemberships { state.members.learnMembership(event, typeName: type.name) }
            if book.watchesNewcomers { state.newcomers.recordMessage(event) }
            if event.role != .member, handleAdminCommand(event, type: type, now: now, into: &actions) { return "an admin command" }
            if book.learnsSpam { state.spam.remember(event) }
            if type.usesNearDuplicates {
                state.nearDuplicates.horizonSeconds = max(state.nearDuplicates.horizonSeconds, type.nearDuplicateHorizonSeconds)
                // Short texts are never compared: they skip the normaliser here.
                if let shingles = ahead?.shingles {
                    state.nearDuplicates.record(event, shingles: shingles)
                } else {
                    var text = event.text
                    if NearDuplicates.mayCompare(event.text), let normalizer = type.community.normalizer {
                        text = flowNormalized ?? normalizer.normalize(event.text)
                        flowNormalized = text
                    }
                    state.nearDuplicates.record(event, text: text)
                }
            }
            if type.raidCountsFirstMessages, state.newcomers.records[MemberKey(event)]?.messages == 1 {
                countForRaid(event, firstMessage: true, type: type, now: now, into: &actions)
            }
            state.activity.lastMessage[event.group] = event.time
            state.adSlots.recordRedPacket(event)
            if type.usesRepeatCondition {
                state.recentTexts.horizonSeconds = max(state.recentTexts.horizonSeconds, type.repeatHorizonSeconds)
                let scopes = (inGroup: book.repeatsInGroup, acrossGroups: book.repeatsAcrossGroups)
                let fingerprint = state.recentTexts.record(event, fingerprint: ahead?.fingerprint ?? RecentTexts.fingerprint(event.text),
                                                           scopes: scopes)
                flowFingerprint = (event.id, fingerprint)
            }
            if let alert = type.community.quietAlert {
                state.quiet.observe(event, days: alert.days, offset: type.timeZone.utcOffsetSeconds(at: event.time))
            }
        case .join:
            if stopsBannedMember(event, type: type, now: now, into: &actions) { return "a member on the shared ban list" }
            state.members.recordNick(of: event)
            state.members.recordJoin(event, typeName: type.name)
            if book.watchesNewcomers { state.newcomers.recordJoin(event) }
            let switched = type.community.raid?.joins != nil
                && countForRaid(event, firstMessage: false, type: type, now: now, into: &actions)
            if !raidedJoin(event, switched: switched, type: type, now: now, into: &actions) {
                welcomeJoin(event, type: type, now: now, into: &actions)
                checkNickname(event, type: type, now: now, into: &actions)
            }
        case .rename:
            state.members.recordNick(of: event)
            checkNickname(event, type: type, now: now, into: &actions)
        case .leave:
            state.members.recordLeave(event)
            state.newcomers.recordLeave(event)
            state.trust.trusted.remove(MemberKey(event))
            memberLeft(event)
        case .joinRequest:
            if stopsBannedMember(event, type: type, now: now, into: &actions) { return "a member on the shared ban list" }
            if holdsJoinRequest(event, type: type, now: now, into: &actions) { return "a join request held in raid mode" }
        case .tick, .member:
            break
        }
        return nil
    }

    // MARK: - Firing

    /// Emits `steps` for `event`: immediate ones into `actions`, delayed ones onto the timer queue.
    /// Returns the tokens of the delayed ones. Step numbers start at `firstIndex`.
    @discardableResult
    func emit(
        _ steps: [ActionStep], firstIndex: Int = 0, ruleID: String, event: Event, captures: [String: Substring],
        context: [String: String] = [:], now: Instant, into actions: inout [Action]
    ) -> [UInt64] {
        var tokens: [UInt64] = []
        for (offset, step) in steps.enumerated() {
            let action = makeAction(step, step: firstIndex + offset, ruleID: ruleID, event: event,
                                    captures: captures, context: context, now: now)
            if step.delaySeconds > 0 {
                tokens.append(state.timers.schedule(action))
            } else {
                state.trust.note(action)
                actions.append(action)
            }
        }
        return tokens
    }

    /// Once an hour of engine time: forget state that can no longer matter (expired
    /// cooldowns, finished flows…), so months of running do not pile it up.
    private func pruneIfDue() {
        let now = clock.now
        guard now.milliseconds - lastPrune.milliseconds >= 3_600_000 else { return }
        lastPrune = now
        // Lists of recent texts are forgotten once older than any window of the rules in force
        // (those of types not seen yet included), so they cannot count again.
        state.recentTexts.horizonSeconds = max(state.recentTexts.horizonSeconds, book.repeatHorizonSeconds)
        state.prune(now: now)
    }

    /// Puts a delayed action on the timer queue; returns its cancellation token.
    func schedule(_ action: Action) -> UInt64 {
        state.timers.schedule(action)
    }

    /// Cancels delayed actions that have not fired yet.
    func cancel(_ tokens: [UInt64]) {
        state.timers.cancel(tokens)
    }

    // MARK: - Timers

    /// Fires every timer due at or before the clock's now, in due order; returns their actions.
    package func fireDueTimers() -> [Action] {
        startSchedulesIfNeeded()
        pruneIfDue()
        var actions: [Action] = []
        while let (due, pending) = state.timers.popDue(at: clock.now) {
            switch pending {
            case .action(let action, _):
                guard ruleStillExists(action.rule) else {
                    problems.append("a delayed \(action.kind.rawValue) (\(action.id)) was dropped: rule '\(action.rule)' no longer exists")
                    continue
                }
                state.trust.note(action)
                actions.append(action)
            case .schedule(let typeName, let index, let generation):
                guard generation == state.schedules.generation, let type = book.types[typeName] else { continue }
                let (posts, next) = type.rules[index].schedule!.catchingUp(from: due, now: clock.now, in: type.timeZone)
                if posts { actions.append(contentsOf: runSchedule(type: type, rule: index, at: due)) }
                state.timers.queue.schedule(.schedule(type: typeName, rule: index, generation: generation), at: next)
            case .welcomeBatch(let group):
                closeWelcomeBatch(group: group, at: due, into: &actions)
            case .quietCheck(let typeName, let generation):
                guard generation == state.schedules.generation, let type = book.types[typeName],
                      let alert = type.community.quietAlert
                else { continue }
                let (checks, next) = Schedule(minuteOfDay: alert.minuteOfDay).catchingUp(from: due, now: clock.now, in: type.timeZone)
                if checks { checkQuietGroups(type: type, alert: alert, at: due, into: &actions) }
                state.timers.queue.schedule(.quietCheck(type: typeName, generation: generation), at: next)
            case .raidCalm(let scope, let typeName):
                endRaidIfCalm(scope, typeName: typeName, at: due, into: &actions)
            }
        }
        return actions
    }

    /// Swaps in a new rule book, keeping all state: strikes, cooldowns, memberships,
    /// pending delayed actions (those of a deleted rule are dropped when due, with a
    /// problem line). Groups are mapped again and schedules restart from now.
    package func replaceBook(_ newBook: RuleBook) {
        book = newBook
        state.groups.remap(to: newBook, scratch: matchScratch)
        state.schedules.generation += 1
        state.schedules.started = false
        startSchedulesIfNeeded()
    }

    /// Whether a rule id still names a rule (or a built-in flow) after a reload.
    private func ruleStillExists(_ id: String) -> Bool {
        if id == Self.welcomeRuleID || id == Self.nicknameRuleID || id == Self.raidRuleID || id == Self.banListRuleID
            || id.hasPrefix("admin-") {
            return true
        }
        return book.types.values.contains { type in type.rules.contains { $0.id == id } }
    }

    private func startSchedulesIfNeeded() {
        guard !state.schedules.started else { return }
        state.schedules.started = true
        let generation = state.schedules.generation
        let now = clock.now
        for typeName in book.types.keys.sorted() {
            let type = book.types[typeName]!
            for index in type.scheduleRules {
                let next = type.rules[index].schedule!.nextOccurrence(after: now, in: type.timeZone)
                state.timers.queue.schedule(.schedule(type: typeName, rule: index, generation: generation), at: next)
            }
            if let alert = type.community.quietAlert {
                let next = Schedule(minuteOfDay: alert.minuteOfDay).nextOccurrence(after: now, in: type.timeZone)
                state.timers.queue.schedule(.quietCheck(type: typeName, generation: generation), at: next)
            }
        }
    }

    /// A schedule occurrence posts to every group of the type seen so far, in id order,
    /// except in the type's quiet hours and for groups its filters leave out
    /// (silent groups, or only silent ones; only some days of a group's life).
    private func runSchedule(type: GroupType, rule index: Int, at due: Instant) -> [Action] {
        let rule = type.rules[index]
        let timing = rule.schedule!
        let offset = type.timeZone.utcOffsetSeconds(at: due)
        if let quiet = type.community.quietHours, quiet.contains(LocalTime(due, utcOffsetSeconds: offset)) { return [] }
        let cause = "\(rule.id)@\(Timestamp.format(due, utcOffsetSeconds: offset))"
        var actions: [Action] = []
        for group in state.groups.members(ofType: type.name) {
            let silentFor = due.milliseconds - (state.activity.lastMessage[group] ?? state.activity.firstSeen[group] ?? due).milliseconds
            if let limit = timing.skipIfSilentSeconds, silentFor >= limit * 1000 { continue }
            if let limit = timing.onlyIfSilentSeconds, silentFor < limit * 1000 { continue }
            if !timing.groupDays.isEmpty {
                let first = state.activity.firstSeen[group] ?? due
                let age = LocalTime(due, utcOffsetSeconds: offset).dayNumber - LocalTime(first, utcOffsetSeconds: offset).dayNumber + 1
                guard timing.groupDays.contains(age) else { continue }
            }
            let event = Event(type: .tick, id: cause, time: due, utcOffsetSeconds: offset,
                              group: group, groupName: state.groups.name(of: group))
            for (step, template) in rule.steps.enumerated() {
                var chosen = template
                if timing.rotate, template.texts.count > 1 {
                    let turn = state.rotations.take(rule: rule.id, group: group, step: step)
                    chosen.texts = [template.texts[turn % template.texts.count]]
                }
                var action = makeAction(chosen, step: step, ruleID: rule.id, event: event, captures: [:],
                                        context: [:], now: due)
                action.id = "\(cause):\(group):\(step)"
                action.body = action.body.withoutMember
                if rule.enforcement.shadow {
                    // On trial: the admins see what would have been posted, and when.
                    let texts = type.community.texts
                    action.body = .notify(text: texts.render(.shadowPost, [
                        "rule": rule.id, "verb": texts.deed(action.kind == .send ? .send : .notify), "text": action.text ?? "",
                    ]) + (template.delaySeconds > 0
                        ? texts.render(.shadowPostAt, ["time": Timestamp.format(action.due, utcOffsetSeconds: offset)]) : ""))
                    action.id += ":shadow"
                    action.due = due
                }
                if template.delaySeconds > 0, !rule.enforcement.shadow {
                    _ = schedule(action)
                } else {
                    actions.append(action)
                }
            }
        }
        return actions
    }

    // MARK: - Helpers

    /// The fingerprint of the event's text (``RecentTexts/fingerprint(_:)``), worked out once.
    func fingerprint(of event: Event) -> UInt64? {
        if let known = flowFingerprint, known.event == event.id { return known.fingerprint }
        return RecentTexts.fingerprint(event.text)
    }

    /// The group's record, mapping it again when its name changes.
    func resolveType(group: String, name: String?) -> GroupDirectory.Known {
        state.groups.resolve(group: group, name: name, book: book, scratch: matchScratch)
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

    func makeAction(
        _ step: ActionStep, step index: Int, ruleID: String, event: Event,
        captures: [String: Substring], context: [String: String], now: Instant
    ) -> Action {
        var text: String?
        if !step.texts.isEmpty {
            let pick = step.texts.count == 1
                ? 0 : Int(StableHash.of(event.id, ruleID, String(index)) % UInt64(step.texts.count))
            let template = step.texts[pick]
            var context = context
            if template.usesInviterNick, let inviter = event.inviter,
               let nick = state.members.nicks[MemberKey(group: event.group, user: inviter)] {
                context[TemplateField.inviterNick.rawValue] = nick
            }
            if template.usesGroupName && event.groupName == nil {
                // Events often omit the group's name: use the one last seen for the group.
                var named = event
                named.groupName = state.groups.name(of: event.group)
                text = template.render(event: named, captures: captures, context: context)
            } else {
                text = template.render(event: event, captures: captures, context: context)
            }
        }
        // The rule files give send, dm and notify a text, and a mute its duration (`check`).
        let body: Action.Body
        switch step.kind {
        case .send:
            // Only a message can be replied to; on other events a reply mentions the member.
            body = .send(text: text ?? "", replyTo: step.replyToEvent && event.type == .message ? event.id : nil,
                         mention: step.mention || step.replyToEvent ? event.user : nil)
        case .dm: body = .dm(user: event.user, text: text ?? "")
        case .delete: body = .delete(message: event.id, user: event.user)
        case .mute: body = .mute(user: event.user, seconds: step.seconds ?? 0)
        case .unmute: body = .unmute(user: event.user)
        case .kick: body = .kick(user: event.user)
        case .approve: body = .approve(user: event.user)
        case .reject: body = .reject(user: event.user, reason: text)
        case .notify: body = .notify(text: text ?? "", about: event.user)
        }
        return Action(id: Self.actionID(cause: event.id, rule: ruleID, step: index), group: event.group, body: body,
                      rule: ruleID, cause: event.id, due: now.adding(seconds: step.delaySeconds),
                      utcOffsetSeconds: event.utcOffsetSeconds)
    }
}
