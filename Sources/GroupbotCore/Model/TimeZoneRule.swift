/// Tells the UTC offset of a time zone at a given instant.
///
/// The core knows only this seam; the rules module supplies an implementation
/// backed by the system's time zone database.
package protocol TimeZoneRule: Sendable {
    /// The zone's identifier, e.g. `Asia/Shanghai`.
    var identifier: String { get }
    /// Seconds east of UTC at `instant`.
    func utcOffsetSeconds(at instant: Instant) -> Int
}

/// A zone with one fixed offset all year (China Standard Time is one).
package struct FixedOffsetZone: TimeZoneRule {
    package let identifier: String
    package let seconds: Int

    /// Creates a zone `seconds` east of UTC.
    package init(identifier: String, seconds: Int) {
        self.identifier = identifier
        self.seconds = seconds
    }

    package func utcOffsetSeconds(at instant: Instant) -> Int { seconds }

    /// Asia/Shanghai: UTC+8, no daylight saving time.
    package static let shanghai = FixedOffsetZone(identifier: "Asia/Shanghai", seconds: 8 * 3600)
}
