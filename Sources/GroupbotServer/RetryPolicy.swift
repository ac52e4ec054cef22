import Foundation

/// How a failed delivery is tried again: exponential backoff with full jitter, a
/// server's `Retry-After` honoured, and a dead letter after the last attempt.
package struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    package var maxAttempts = 8
    /// The delay before the second attempt; it doubles with each further one.
    package var firstDelayMilliseconds: Int64 = 1_000
    /// No delay grows past this.
    package var maxDelayMilliseconds: Int64 = 600_000
    /// How long one attempt may take.
    package var timeoutMilliseconds: Int64 = 10_000

    /// Creates the defaults.
    package init() {}

    /// The delay before the next attempt after `attempts` failed ones, or nil when
    /// that was the last. `retryAfter` (seconds, from the receiver) wins when longer;
    /// `random` is a number in 0..<1 that spreads retries of many deliveries apart.
    package func delay(afterAttempts attempts: Int, retryAfterSeconds retryAfter: Int64?, random: Double) -> Int64? {
        guard attempts < maxAttempts else { return nil }
        let exponent = min(attempts - 1, 40)
        let ceiling = min(maxDelayMilliseconds, firstDelayMilliseconds << Int64(max(0, exponent)))
        // "Equal jitter": at least half the backoff, so retries never bunch up at zero.
        let backoff = ceiling / 2 + Int64(Double(ceiling / 2) * min(max(random, 0), 1))
        guard let retryAfter else { return backoff }
        return max(backoff, min(retryAfter * 1_000, maxDelayMilliseconds))
    }

    /// Reads a `Retry-After` header: seconds, or an HTTP date.
    package static func retryAfterSeconds(_ header: String?, now: Date) -> Int64? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Int64(header) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: header) else { return nil }
        return max(0, Int64(date.timeIntervalSince(now).rounded(.up)))
    }
}
