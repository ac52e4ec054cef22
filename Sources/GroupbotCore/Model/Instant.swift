/// A point in time: milliseconds since 1970-01-01T00:00:00Z.
///
/// The engine never reads the wall clock; every instant it sees comes from an
/// event or from its ``Clock``.
package struct Instant: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch (UTC).
    package var milliseconds: Int64

    /// Creates an instant from milliseconds since the Unix epoch.
    package init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// Creates an instant from whole seconds since the Unix epoch (saturating at the
    /// ends of `Int64` milliseconds rather than trapping).
    package init(seconds: Int64) {
        self.milliseconds = Self.saturatingMilliseconds(seconds)
    }

    /// The instant `seconds` later (saturating, never trapping).
    package func adding(seconds: Int64) -> Instant {
        let (sum, overflow) = milliseconds.addingReportingOverflow(Self.saturatingMilliseconds(seconds))
        return Instant(milliseconds: overflow ? (seconds < 0 ? .min : .max) : sum)
    }

    /// The instant `milliseconds` later (saturating, never trapping).
    package func adding(milliseconds delta: Int64) -> Instant {
        let (sum, overflow) = milliseconds.addingReportingOverflow(delta)
        return Instant(milliseconds: overflow ? (delta < 0 ? .min : .max) : sum)
    }

    /// The first instant an event may carry: 1970-01-01T00:00:00Z.
    package static let earliestEventTime = Instant(milliseconds: 0)
    /// The first instant an event may no longer carry: 2200-01-01T00:00:00Z. Far-future
    /// times would make schedules catch up for centuries and print five-digit years;
    /// a decoder refuses them (docs/security.md).
    package static let eventTimeLimit = Instant(milliseconds: 7_258_118_400_000)

    /// Whether an event may carry this time (see ``eventTimeLimit``).
    package var isValidEventTime: Bool { self >= Self.earliestEventTime && self < Self.eventTimeLimit }

    private static func saturatingMilliseconds(_ seconds: Int64) -> Int64 {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? (seconds < 0 ? .min : .max) : product
    }

    package static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    package var description: String { Timestamp.format(self, utcOffsetSeconds: 0) }
}
