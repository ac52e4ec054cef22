import GroupbotCore
import Testing

@Suite struct TimeWindowTests {
    func local(_ text: String) -> LocalTime {
        let parsed = Timestamp.parse(text)!
        return LocalTime(parsed.instant, utcOffsetSeconds: parsed.utcOffsetSeconds)
    }

    @Test func sameDayWindowIncludesStartExcludesEnd() {
        let window = TimeWindow(fromMinute: 9 * 60, toMinute: 21 * 60)
        #expect(window.contains(local("2026-11-20T09:00:00+08:00")))
        #expect(window.contains(local("2026-11-20T20:59:59+08:00")))
        #expect(!window.contains(local("2026-11-20T21:00:00+08:00")))
        #expect(!window.contains(local("2026-11-20T08:59:00+08:00")))
    }

    @Test func windowCrossingMidnight() {
        let night = TimeWindow(fromMinute: 23 * 60, toMinute: 7 * 60)
        #expect(night.contains(local("2026-11-20T23:10:00+08:00")))
        #expect(night.contains(local("2026-11-21T00:30:00+08:00")))
        #expect(night.contains(local("2026-11-21T06:59:00+08:00")))
        #expect(!night.contains(local("2026-11-21T07:00:00+08:00")))
        #expect(!night.contains(local("2026-11-21T12:00:00+08:00")))
    }

    @Test func afterMidnightBelongsToTheDayTheWindowStarted() {
        // Friday 22:00 – 02:00: Saturday 01:00 is inside, Friday 01:00 is not (that was Thursday's night).
        let fridayNight = TimeWindow(fromMinute: 22 * 60, toMinute: 2 * 60, days: [.friday])
        #expect(fridayNight.contains(local("2026-11-20T22:30:00+08:00")))   // Friday
        #expect(fridayNight.contains(local("2026-11-21T01:00:00+08:00")))   // Saturday morning
        #expect(!fridayNight.contains(local("2026-11-20T01:00:00+08:00")))  // Friday morning
        #expect(!fridayNight.contains(local("2026-11-21T22:30:00+08:00")))  // Saturday night
    }

    @Test func weekdayFilter() {
        let adSlot = TimeWindow(fromMinute: 20 * 60, toMinute: 21 * 60, days: [.friday])
        #expect(adSlot.contains(local("2026-11-20T20:15:00+08:00")))
        #expect(!adSlot.contains(local("2026-11-19T20:15:00+08:00")))
    }

    @Test func scheduleNextOccurrence() {
        let nineAM = Schedule(minuteOfDay: 9 * 60)
        let before = Timestamp.parse("2026-11-20T08:00:00+08:00")!.instant
        let at = Timestamp.parse("2026-11-20T09:00:00+08:00")!.instant
        #expect(nineAM.nextOccurrence(after: before, in: FixedOffsetZone.shanghai) == at)
        #expect(nineAM.nextOccurrence(after: at, in: FixedOffsetZone.shanghai)
            == Timestamp.parse("2026-11-21T09:00:00+08:00")!.instant)
        let mondays = Schedule(minuteOfDay: 9 * 60, days: [.monday])
        #expect(mondays.nextOccurrence(after: at, in: FixedOffsetZone.shanghai)
            == Timestamp.parse("2026-11-23T09:00:00+08:00")!.instant)
    }
}
