import Foundation
import GroupbotServer
import Testing

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesWithJitterAndStopsAtTheLastAttempt() {
        var policy = RetryPolicy()
        policy.maxAttempts = 5
        policy.firstDelayMilliseconds = 1_000
        policy.maxDelayMilliseconds = 5_000
        #expect(policy.delay(afterAttempts: 1, retryAfterSeconds: nil, random: 0) == 500)
        #expect(policy.delay(afterAttempts: 1, retryAfterSeconds: nil, random: 0.999_999) == 999)
        #expect(policy.delay(afterAttempts: 2, retryAfterSeconds: nil, random: 0) == 1_000)
        #expect(policy.delay(afterAttempts: 3, retryAfterSeconds: nil, random: 0) == 2_000)
        #expect(policy.delay(afterAttempts: 4, retryAfterSeconds: nil, random: 1) == 5_000)  // capped
        #expect(policy.delay(afterAttempts: 5, retryAfterSeconds: nil, random: 0) == nil)
    }

    @Test func retryAfterWinsWhenLongerButStaysCapped() {
        var policy = RetryPolicy()
        policy.maxDelayMilliseconds = 60_000
        #expect(policy.delay(afterAttempts: 1, retryAfterSeconds: 30, random: 0) == 30_000)
        #expect(policy.delay(afterAttempts: 1, retryAfterSeconds: 3_600, random: 0) == 60_000)
        #expect(policy.delay(afterAttempts: 1, retryAfterSeconds: 0, random: 0) == 500)
    }

    @Test func readsRetryAfterInSecondsOrAsADate() {
        let now = Date(timeIntervalSince1970: 1_784_000_000)
        #expect(RetryPolicy.retryAfterSeconds("120", now: now) == 120)
        #expect(RetryPolicy.retryAfterSeconds(nil, now: now) == nil)
        #expect(RetryPolicy.retryAfterSeconds("soon", now: now) == nil)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(RetryPolicy.retryAfterSeconds(formatter.string(from: now.addingTimeInterval(90)), now: now) == 90)
    }
}
