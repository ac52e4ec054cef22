import GroupbotCore
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-20T09:15:01+08:00", Int64(1_795_137_301_000), 28_800),
        ("2026-11-20T01:15:01Z", Int64(1_795_137_301_000), 0),
        ("2026-11-20 01:15:01.250Z", Int64(1_795_137_301_250), 0),
        ("1970-01-01T00:00:00-05:30", Int64(19_800_000), -19_800),
        ("2024-02-29T12:00:00+00:00", Int64(1_709_208_000_000), 0),
    ])
    func parsesRFC3339(text: String, milliseconds: Int64, offset: Int) throws {
        let parsed = try #require(Timestamp.parse(text))
        #expect(parsed.instant.milliseconds == milliseconds)
        #expect(parsed.utcOffsetSeconds == offset)
    }

    @Test(arguments: ["2026-11-20", "2026-11-20T09:15:01", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
                      "2026-11-20T09:15:01+8", "2026-11-20T25:00:00Z", "yesterday", "2026-11-20T09:15:01Z trailing"])
    func rejectsMalformedTimes(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatsInTheGivenOffset() {
        let instant = Instant(milliseconds: 1_795_137_301_000)
        #expect(Timestamp.format(instant, utcOffsetSeconds: 28_800) == "2026-11-20T09:15:01+08:00")
        #expect(Timestamp.format(instant, utcOffsetSeconds: 0) == "2026-11-20T01:15:01Z")
        #expect(Timestamp.format(Instant(milliseconds: 1_795_137_301_007), utcOffsetSeconds: -3600)
            == "2026-11-20T00:15:01.007-01:00")
    }

    @Test func appendingBytesWritesWhatFormatWrites() {
        for (milliseconds, offset) in [(Int64(1_795_137_301_000), 28_800), (0, 0), (1_795_137_301_007, -3600),
                                       (253_402_300_800_000, 0), (-86_400_000, 19_800)] {
            var bytes: [UInt8] = []
            Timestamp.append(Instant(milliseconds: milliseconds), utcOffsetSeconds: offset, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self)
                == Timestamp.format(Instant(milliseconds: milliseconds), utcOffsetSeconds: offset))
        }
    }

    @Test func formattingRoundTrips() throws {
        for text in ["2026-11-20T09:15:01+08:00", "1999-12-31T23:59:59Z", "2030-06-15T00:00:00.5-07:00"] {
            let parsed = try #require(Timestamp.parse(text))
            let again = try #require(Timestamp.parse(Timestamp.format(parsed.instant, utcOffsetSeconds: parsed.utcOffsetSeconds)))
            #expect(again.instant == parsed.instant)
        }
    }

    @Test func localTimeKnowsTheWeekday() throws {
        // 2026-11-20 is a Friday; 23:30 in Shanghai is still Friday there but 15:30 UTC.
        let friday = try #require(Timestamp.parse("2026-11-20T23:30:00+08:00"))
        let local = LocalTime(friday.instant, utcOffsetSeconds: 28_800)
        #expect(local.weekday == .friday)
        #expect(local.minuteOfDay == 23 * 60 + 30)
        #expect(LocalTime(Instant(milliseconds: -1), utcOffsetSeconds: 0).weekday == .wednesday)
    }
}
