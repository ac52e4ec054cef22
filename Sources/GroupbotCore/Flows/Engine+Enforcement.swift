extension Engine {
    /// What firing a rule came to.
    enum Outcome {
        /// The rule acted (or, in shadow, told the admins).
        case acted
        /// The message is an ad the rule allows in its slot: handled, nothing to do.
        case allowedInSlot
        /// The rule does not apply after all (links only to allowed domains).
        case notApplicable
    }

    /// Fires a rule whose conditions hold: links to allowed domains make it not apply, an
    /// ad inside its slot passes; otherwise the rule's own steps and its ladder's next
    /// step, then the admin notice.
    @discardableResult
    func fire(
        _ rule: Rule, type: GroupType, event: Event, captures: [String: Substring], now: Instant,
        into actions: inout [Action], trace: DecisionTrace? = nil
    ) -> Outcome {
        let enforcement = rule.enforcement
        if !enforcement.allowedDomains.isEmpty, Self.linksAllAllowed(event.text, allowed: enforcement.allowedDomains) {
            return .notApplicable
        }
        if enforcement.shadow {
            return fireInShadow(rule, type: type, event: event, captures: captures, now: now, into: &actions, trace: trace)
        }
        var slotReason = ""
        if enforcement.honoursAdSlots {
            let verdict = slotVerdict(type: type, event: event, record: true, trace: trace)
            if case .passes = verdict { return .allowedInSlot }
            if rule.needsContext { slotReason = verdict.reason(type.community.texts) }
        }
        var context: [String: String] = [:]
        if rule.needsContext {
            context = ["rule": rule.id, "reason": enforcement.reason ?? rule.id, "slot_reason": slotReason]
            if !type.community.adSlots.isEmpty { context["next_slot"] = nextSlotDescription(type: type, after: now) }
        }
        var steps = rule.steps
        var struck = false
        if let name = enforcement.ladder, let ladder = type.community.ladders[name], !ladder.steps.isEmpty {
            let count = strike(event.user, ladder: ladder, rule: rule.id, event: event, now: now)
            context["strikes"] = String(count)
            steps += ladder.steps[min(count, ladder.steps.count) - 1]
            struck = true
        }
        let first = actions.count
        emit(steps, ruleID: rule.id, event: event, captures: captures, context: context, now: now, into: &actions)
        if rule.actsOnMember { listRemoval(by: rule, steps: steps, type: type, event: event) }
        // The figures count strikes from this mark on the firing's first action.
        if struck, first < actions.count { actions[first].note = .strike }
        if enforcement.notifyAdmins, let notice = adminNotice(for: steps, rule: rule, event: event, texts: type.community.texts) {
            let step = ActionStep(kind: .notify, texts: [notice])
            emit([step], firstIndex: steps.count, ruleID: rule.id, event: event, captures: captures, context: context,
                 now: now, into: &actions)
        }
        if rule.actsOnMember {
            state.members.recordNick(of: event)
            if event.type == .message { state.trust.rememberAuthor(message: event.id, user: event.user) }
        }
        return .acted
    }

    /// What an ad slot says of an ad: it passes, or why not.
    enum SlotVerdict {
        case passes(slot: AdSlot, used: Int, packet: Double?)
        case outside
        case noPacket(slot: AdSlot, minimum: Double)
        case smallPacket(slot: AdSlot, largest: Double, minimum: Double)
        case quotaUsed(slot: AdSlot)

        /// `{slot_reason}`: why the ad did not pass, in the type's words (empty when it passed).
        func reason(_ texts: BuiltInTexts) -> String {
            switch self {
            case .passes: ""
            case .outside: texts.render(.slotOutside)
            case .noPacket(_, let minimum): texts.render(.slotNoPacket, ["minimum": Template.amountText(minimum)])
            case .smallPacket(_, let largest, let minimum):
                texts.render(.slotSmallPacket, ["largest": Template.amountText(largest), "minimum": Template.amountText(minimum)])
            case .quotaUsed(let slot): texts.render(.slotQuotaUsed, ["quota": String(slot.quota)])
            }
        }

        /// What `explain` says of it.
        var traceNote: String {
            func times(_ slot: AdSlot) -> String {
                TimeWindow.clockText(slot.window.fromMinute) + "–" + TimeWindow.clockText(slot.window.toMinute)
            }
            func window(_ slot: AdSlot) -> String { "inside the ad slot " + times(slot) }
            switch self {
            case .passes(let slot, let used, let packet):
                let paid = packet.map { ", after a red packet of \(Template.amountText($0))" } ?? ""
                return "an ad inside the slot " + times(slot) + "\(paid): ad \(used + 1) of \(slot.quota) allowed, nothing done"
            case .outside:
                return "outside every ad slot"
            case .noPacket(let slot, let minimum):
                return window(slot) + ", but no red packet of at least \(Template.amountText(minimum)) was sent since it opened"
            case .smallPacket(let slot, let largest, let minimum):
                return window(slot) + ", but the largest red packet since it opened is \(Template.amountText(largest)), less than \(Template.amountText(minimum))"
            case .quotaUsed(let slot):
                return window(slot) + ", but the member's quota of \(slot.quota) is used"
            }
        }
    }

    /// Whether this ad passes an ad slot of its type: inside a slot, within the member's
    /// quota, after the red packet the slot asks for. `record` counts it against the quota;
    /// `trace` (explain) is told the verdict.
    func slotVerdict(type: GroupType, event: Event, record: Bool, trace: DecisionTrace?) -> SlotVerdict {
        let verdict = slotVerdict(type: type, event: event, record: record)
        if !type.community.adSlots.isEmpty { trace?.slotNote = verdict.traceNote }
        return verdict
    }

    private func slotVerdict(type: GroupType, event: Event, record: Bool) -> SlotVerdict {
        let offset = type.timeZone.utcOffsetSeconds(at: event.time)
        let local = LocalTime(event.time, utcOffsetSeconds: offset)
        for (index, slot) in type.community.adSlots.enumerated() {
            guard let startDay = slot.window.occurrenceStartDay(containing: local) else { continue }
            let start = Instant(seconds: Int64(startDay) * 86_400 + Int64(slot.window.fromMinute) * 60 - Int64(offset))
            var packet: RedPacket?
            if let minimum = slot.minimumRedPacket {
                let packets = (state.adSlots.redPackets[MemberKey(event)] ?? []).lazy.filter { $0.time >= start && $0.time <= event.time }
                packet = packets.first { $0.amount >= minimum }
                guard packet != nil else {
                    guard let largest = packets.map(\.amount).max() else { return .noPacket(slot: slot, minimum: minimum) }
                    return .smallPacket(slot: slot, largest: largest, minimum: minimum)
                }
            }
            let useKey = SlotUseKey(group: event.group, user: event.user, slot: index, day: startDay)
            let used = state.adSlots.used[useKey, default: 0]
            guard used < slot.quota else { return .quotaUsed(slot: slot) }
            if record { state.adSlots.used[useKey] = used + 1 }
            return .passes(slot: slot, used: used, packet: packet?.amount)
        }
        return .outside
    }

    /// Whether the event's local time is inside an ad slot of its type (`in_ad_slot`).
    static func isInAdSlot(_ event: Event, type: GroupType) -> Bool {
        let local = LocalTime(event.time, utcOffsetSeconds: type.timeZone.utcOffsetSeconds(at: event.time))
        return type.community.adSlots.contains { $0.window.occurrenceStartDay(containing: local) != nil }
    }

    /// Shadow mode: one notice to the admins describing what the rule would have done
    /// (its id ends in `:shadow`); no strike, no quota used, nothing else.
    private func fireInShadow(
        _ rule: Rule, type: GroupType, event: Event, captures: [String: Substring], now: Instant,
        into actions: inout [Action], trace: DecisionTrace?
    ) -> Outcome {
        var slotReason = ""
        if rule.enforcement.honoursAdSlots {
            let verdict = slotVerdict(type: type, event: event, record: false, trace: trace)
            if case .passes = verdict { return .allowedInSlot }
            slotReason = verdict.reason(type.community.texts)
        }
        var steps = rule.steps
        if let name = rule.enforcement.ladder, let ladder = type.community.ladders[name], !ladder.steps.isEmpty {
            let count = state.ladders.count(after: StrikeKey(user: event.user, ladder: name), at: now, counting: ladder.counting)
            steps += ladder.steps[min(count, ladder.steps.count) - 1]
        }
        let context = ["rule": rule.id, "reason": rule.enforcement.reason ?? rule.id, "slot_reason": slotReason,
                       "next_slot": type.community.adSlots.isEmpty ? "" : nextSlotDescription(type: type, after: now)]
        let texts = type.community.texts
        let would = steps.map { step -> String in
            let text = step.texts.first.map { "「" + $0.render(event: event, captures: captures, context: context) + "」" } ?? ""
            return texts.deed(step.kind, text: text, seconds: step.seconds ?? 0)
        }
        let notice = Template(segments: [.literal(texts.render(.shadowNotice, [
            "rule": rule.id, "would": would.joined(separator: texts.render(.stepSeparator)),
            "nick": event.nick ?? event.user, "user": event.user, "text": event.text,
        ]))])
        var action = makeAction(ActionStep(kind: .notify, texts: [notice]), step: 0, ruleID: rule.id, event: event,
                                captures: [:], context: [:], now: now)
        action.id = event.id + ":" + rule.id + ":shadow"
        actions.append(action)
        return .acted
    }

    /// Whether the text has links and every one is to an allowed domain (or a subdomain of one).
    static func linksAllAllowed(_ text: String, allowed: [String]) -> Bool {
        let domains = LinkDomains.find(in: text)
        guard !domains.isEmpty else { return false }
        return domains.allSatisfy { domain in
            allowed.contains { domain == $0 || domain.hasSuffix("." + $0) }
        }
    }

    /// When the next ad slot opens, as members read it: `11月27日（周五）20:00–21:00`.
    func nextSlotDescription(type: GroupType, after now: Instant) -> String {
        let offset = type.timeZone.utcOffsetSeconds(at: now)
        let today = LocalTime(now, utcOffsetSeconds: offset).dayNumber
        var best: (start: Instant, day: Int, slot: AdSlot)?
        for slot in type.community.adSlots {
            for day in today...(today + 7) {
                let weekday = Weekday(dayNumber: day)
                guard slot.window.days.isEmpty || slot.window.days.contains(weekday) else { continue }
                let start = Instant(seconds: Int64(day) * 86_400 + Int64(slot.window.fromMinute) * 60 - Int64(offset))
                if start > now, best.map({ start < $0.start }) ?? true { best = (start, day, slot) }
                if start > now { break }
            }
        }
        guard let best else { return "" }
        let date = Timestamp.civil(fromDays: best.day)
        let texts = type.community.texts
        return texts.render(.nextSlot, [
            "month": String(date.month), "day": String(date.day), "weekday": texts.name(of: Weekday(dayNumber: best.day)),
            "from": TimeWindow.clockText(best.slot.window.fromMinute), "to": TimeWindow.clockText(best.slot.window.toMinute),
        ])
    }

    /// Adds a strike; returns the member's count on the ladder (restarted after the decay window).
    private func strike(_ user: String, ladder: Ladder, rule: String, event: Event, now: Instant) -> Int {
        state.ladders.strike(StrikeKey(user: user, ladder: ladder.name),
                             StrikeEntry(time: now, rule: rule, group: event.group, cause: event.id),
                             counting: ladder.counting)
    }

    /// The admins' notice for a rule that deleted, muted or removed, unless it notifies by itself.
    private func adminNotice(for steps: [ActionStep], rule: Rule, event: Event, texts: BuiltInTexts) -> Template? {
        guard !steps.contains(where: { $0.kind == .notify }) else { return nil }
        let done = steps.filter { [.delete, .mute, .kick].contains($0.kind) }.map { texts.deed($0.kind, seconds: $0.seconds ?? 0) }
        guard !done.isEmpty else { return nil }
        return Template(segments: [.literal(texts.render(.enforcementNotice, [
            "rule": rule.id, "reason": rule.enforcement.reason ?? rule.id, "done": done.joined(separator: texts.render(.listSeparator)),
            "nick": event.nick ?? event.user, "user": event.user, "text": event.text,
        ]))])
    }
}

extension Weekday {
    /// 周一 … 周日.
    var chineseName: String { BuiltInTexts.standard.name(of: self) }
}
