import Foundation
import GroupbotCore

/// A ``TimeZoneRule`` backed by the system's time zone database (IANA names).
struct SystemTimeZone: TimeZoneRule {
    let identifier: String
    private let zone: TimeZone

    init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    func utcOffsetSeconds(at instant: Instant) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000))
    }
}
