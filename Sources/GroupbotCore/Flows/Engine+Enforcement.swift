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
        if enforcement.honoursAdSlots, adSlotAllows(type: type, event: event, record: true, trace: trace) { return .allowedInSlot }
        var context: [String: String] = [:]
        if rule.needsContext {
            context = ["rule": rule.id, "reason": enforcement.reason ?? rule.id]
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

    /// Whether a rule that honours ad slots should let this ad pass: inside a slot,
    /// within the member's quota, after the red packet the slot asks for.
    private func adSlotAllows(type: GroupType, event: Event, record: Bool, trace: DecisionTrace?) -> Bool {
        let offset = type.timeZone.utcOffsetSeconds(at: event.time)
        let local = LocalTime(event.time, utcOffsetSeconds: offset)
        for (index, slot) in type.community.adSlots.enumerated() {
            guard let startDay = slot.window.occurrenceStartDay(containing: local) else { continue }
            let start = Instant(seconds: Int64(startDay) * 86_400 + Int64(slot.window.fromMinute) * 60 - Int64(offset))
            let member = MemberKey(event)
            // The trace's words are only made when there is a trace: this runs for every ad.
            let window = { TimeWindow.clockText(slot.window.fromMinute) + "–" + TimeWindow.clockText(slot.window.toMinute) }
            var packet: RedPacket?
            if let minimum = slot.minimumRedPacket {
                let packets = (state.adSlots.redPackets[member] ?? []).lazy.filter { $0.time >= start && $0.time <= event.time }
                packet = packets.first { $0.amount >= minimum }
                guard packet != nil else {
                    if let trace {
                        trace.slotNote = "inside the ad slot \(window()), but " + (packets.map(\.amount).max().map {
                            "the largest red packet since it opened is \(Template.amountText($0)), less than \(Template.amountText(minimum))"
                        } ?? "no red packet of at least \(Template.amountText(minimum)) was sent since it opened")
                    }
                    return false
                }
            }
            let useKey = SlotUseKey(group: event.group, user: event.user, slot: index, day: startDay)
            let used = state.adSlots.used[useKey, default: 0]
            guard used < slot.quota else {
                trace?.slotNote = "inside the ad slot \(window()), but the member's quota of \(slot.quota) is used"
                return false
            }
            if record { state.adSlots.used[useKey] = used + 1 }
            if let trace {
                let paid = packet.map { ", after a red packet of \(Template.amountText($0.amount))" } ?? ""
                trace.slotNote = "an ad inside the slot \(window())\(paid): ad \(used + 1) of \(slot.quota) allowed, nothing done"
            }
            return true
        }
        if trace != nil, !type.community.adSlots.isEmpty { trace?.slotNote = "outside every ad slot" }
        return false
    }

    /// Shadow mode: one notice to the admins describing what the rule would have done
    /// (its id ends in `:shadow`); no strike, no quota used, nothing else.
    private func fireInShadow(
        _ rule: Rule, type: GroupType, event: Event, captures: [String: Substring], now: Instant,
        into actions: inout [Action], trace: DecisionTrace?
    ) -> Outcome {
        if rule.enforcement.honoursAdSlots, adSlotAllows(type: type, event: event, record: false, trace: trace) {
            return .allowedInSlot
        }
        var steps = rule.steps
        if let name = rule.enforcement.ladder, let ladder = type.community.ladders[name], !ladder.steps.isEmpty {
            let count = state.ladders.count(after: StrikeKey(user: event.user, ladder: name), at: now, counting: ladder.counting)
            steps += ladder.steps[min(count, ladder.steps.count) - 1]
        }
        let context = ["rule": rule.id, "reason": rule.enforcement.reason ?? rule.id,
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
