import GroupbotCore
import GroupbotRuntime
import Testing

/// The pacer: token buckets per account and per group, priorities, the daily cap and the
/// spread of scheduled posts, deterministic so a replay shows the live send times.
@Suite struct PacerTests {
    static let nine = Instant(milliseconds: 1_796_605_200_000)  // 2026-12-07T09:00:00+08:00

    func item(_ id: String, group: String, _ priority: PacingClass.Priority = .message, posts: Bool = true,
              due: Instant = nine) -> Pacer.Item {
        Pacer.Item(id: id, pacing: PacingClass(priority: priority, group: group, postsInGroup: posts), due: due, utcOffsetSeconds: 28_800)
    }

    func sendTimes(_ releases: [Pacer.Release]) -> [String: Int64] {
        var times: [String: Int64] = [:]
        for release in releases { if case .send(let at) = release.outcome { times[release.item.id] = at.milliseconds } }
        return times
    }

    @Test func twoHundredScheduledPostsKeepTheAccountsRate() {
        var limits = PacingLimits()
        limits.accountPerSecond = 2
        limits.accountBurst = 4
        limits.scheduleSpreadSeconds = 60
        var pacer = Pacer(limits: limits)
        for group in 0..<200 { pacer.submit(item("morning@09:00:g\(group):0", group: "g\(group)", .scheduled)) }
        let releases = pacer.releaseStepping(until: Self.nine.adding(seconds: 3600))
        let times = sendTimes(releases).values.sorted()
        #expect(times.count == 200)
        #expect(times.first! >= Self.nine.milliseconds)
        // GCRA: in any window of w ms at most burst + w × rate calls.
        for (index, start) in times.enumerated() {
            let inSecond = times[index...].prefix { $0 < start + 1000 }.count
            #expect(inSecond <= 4 + 2, "\(inSecond) calls in the second from \(start)")
        }
        // 200 calls at 2 a second take about 100 s; the spread does not make it much longer.
        #expect(times.last! - Self.nine.milliseconds <= 105_000)
        #expect(pacer.waitingCount == 0)
    }

    /// A lane that looks every 100 ms at a backlog due a minute ago (an outage): it drains at
    /// the configured rate from now on, not in one burst at the past due times.
    @Test func aBacklogDueInThePastDrainsAtTheRateFromNow() {
        var limits = PacingLimits()
        limits.accountPerSecond = 2
        limits.accountBurst = 3
        limits.groupPerMinute = 600
        limits.groupBurst = 100
        var pacer = Pacer(limits: limits)
        for index in 0..<20 { pacer.submit(item("late-\(index)", group: "g\(index % 3)", due: Self.nine.adding(seconds: -60))) }
        var times: [Int64] = []
        var now = Self.nine
        while now < Self.nine.adding(seconds: 30) {
            times += pacer.release(until: now).compactMap { if case .send(let at) = $0.outcome { at.milliseconds } else { nil } }
            now = now.adding(milliseconds: 100)
        }
        #expect(times.count == 20)
        #expect(times.allSatisfy { $0 >= Self.nine.milliseconds }, "nothing goes out at a time already past")
        for (index, start) in times.enumerated() {
            #expect(times[index...].prefix { $0 < start + 1000 }.count <= 3 + 2)
        }
    }

    @Test func theSpreadIsTheSameOnEveryRunAndInsideTheWindow() {
        var limits = PacingLimits()
        limits.accountPerSecond = 1000
        limits.accountBurst = 1000
        func run() -> [String: Int64] {
            var pacer = Pacer(limits: limits)
            for group in 0..<50 { pacer.submit(item("p@09:00:g\(group):0", group: "g\(group)", .scheduled)) }
            return sendTimes(pacer.releaseStepping(until: Self.nine.adding(seconds: 3600)))
        }
        let first = run()
        #expect(first == run())
        #expect(first.values.allSatisfy { $0 >= Self.nine.milliseconds && $0 < Self.nine.milliseconds + 300_000 })
        #expect(Set(first.values).count > 40, "posts spread over the window, not all at 09:00")
    }

    @Test func enforcementGoesBeforeWaitingPosts() {
        var limits = PacingLimits()
        limits.accountPerSecond = 1
        limits.accountBurst = 1
        limits.scheduleSpreadSeconds = 0
        var pacer = Pacer(limits: limits)
        for group in 0..<10 { pacer.submit(item("post-\(group)", group: "g\(group)", .scheduled)) }
        _ = pacer.releaseStepping(until: Self.nine.adding(seconds: 2))  // three posts went
        pacer.submit(item("delete-ad", group: "g5", .enforcement, posts: false, due: Self.nine.adding(seconds: 2)))
        pacer.submit(item("reply", group: "g6", .message, due: Self.nine.adding(seconds: 2)))
        let next = pacer.releaseStepping(until: Self.nine.adding(seconds: 4)).map(\.item.id)
        #expect(next == ["delete-ad", "reply"])
    }

    @Test func aGroupsBucketSpacesItsMessagesButNotOtherGroups() {
        var limits = PacingLimits()
        limits.accountPerSecond = 100
        limits.accountBurst = 100
        limits.groupPerMinute = 20
        limits.groupBurst = 2
        var pacer = Pacer(limits: limits)
        for index in 0..<4 { pacer.submit(item("g1-\(index)", group: "g1")) }
        pacer.submit(item("g2-0", group: "g2"))
        pacer.submit(item("mute", group: "g1", .enforcement, posts: false))
        let times = sendTimes(pacer.releaseStepping(until: Self.nine.adding(seconds: 60)))
        let base = Self.nine.milliseconds
        #expect(times["g1-0"]! - base < 100 && times["g1-1"]! - base < 100)
        #expect(times["g1-2"]! - base == 3_000)
        #expect(times["g1-3"]! - base == 6_000)
        #expect(times["g2-0"]! - base < 100)
        #expect(times["mute"]! - base < 100, "enforcement does not wait for the group's message bucket")
    }

    @Test func theDailyCapDropsMessagesButNeverEnforcement() {
        var limits = PacingLimits()
        limits.accountPerSecond = 100
        limits.accountBurst = 100
        limits.groupPerMinute = 600
        limits.groupBurst = 100
        limits.dailyCapPerGroup = 2
        var pacer = Pacer(limits: limits)
        for index in 0..<3 { pacer.submit(item("reply-\(index)", group: "g1")) }
        pacer.submit(item("kick", group: "g1", .enforcement, posts: false))
        let releases = pacer.releaseStepping(until: Self.nine.adding(seconds: 60))
        #expect(releases.count == 4)
        let dropped = releases.filter { if case .dropped = $0.outcome { true } else { false } }.map(\.item.id)
        #expect(dropped == ["reply-2"])
        // The next local day the group may be posted to again.
        pacer.submit(item("tomorrow", group: "g1", due: Self.nine.adding(seconds: 86_400)))
        #expect(sendTimes(pacer.releaseStepping(until: Self.nine.adding(seconds: 90_000))).keys.contains("tomorrow"))
    }

    /// A lane runs for months: the day counts and group buckets of past days are forgotten.
    @Test func pastDaysAreForgotten() {
        var limits = PacingLimits()
        limits.accountPerSecond = 100
        limits.accountBurst = 100
        var pacer = Pacer(limits: limits)
        for day in 0..<30 {
            for group in 0..<10 { pacer.submit(item("d\(day)-g\(group)", group: "g\(day)-\(group)", due: Self.nine.adding(seconds: Int64(day) * 86_400))) }
            _ = pacer.release(until: Self.nine.adding(seconds: Int64(day) * 86_400 + 60))
        }
        #expect(pacer.waitingCount == 0)
        // Today's and yesterday's ten groups at most, each a day count and a bucket.
        #expect(pacer.heldCounts <= 40, "\(pacer.heldCounts) counts held after 30 days")
    }

    @Test func scheduledPostsAreRecognisedByTheirCause() {
        let post = Action(id: "morning@2026-12-07T09:00:00+08:00:g1:0", group: "g1", body: .send(text: "早安"), rule: "morning",
                          cause: "morning@2026-12-07T09:00:00+08:00", due: Self.nine, utcOffsetSeconds: 28_800)
        let reply = Action(id: "m1:faq:0", group: "g1", body: .send(text: "发货了"), rule: "faq", cause: "m1", due: Self.nine,
                           utcOffsetSeconds: 28_800)
        #expect(PacingClass(action: post).priority == .scheduled)
        #expect(PacingClass(action: reply).priority == .message)
        #expect(PacingClass(action: reply).postsInGroup)
        let mute = Action(id: "m2:ad:0", group: "g1", body: .mute(user: "u1", seconds: 600), rule: "ad", cause: "m2", due: Self.nine,
                          utcOffsetSeconds: 28_800)
        #expect(PacingClass(action: mute) == PacingClass(priority: .enforcement, group: "g1", postsInGroup: false))
    }
}
