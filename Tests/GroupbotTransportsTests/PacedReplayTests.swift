import Foundation
import Testing

/// `replay --pace`: the demo's actions at the times a live serve would send them.
extension CommandLineTests {
    @Test func replayPaceShowsSendTimesFromTheConfiguredLimits() throws {
        let directory = try temporaryDirectory([
            "serve.yaml": "pacing:\n  account_per_second: 0.2\n  account_burst: 1\n  schedule_spread_seconds: 0\n",
        ])
        let defaults = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules", "--pace"])
        #expect(defaults.status == 0)
        let again = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules", "--pace"])
        #expect(defaults.output == again.output, "pacing is deterministic")
        // The morning post is spread into the five-minute window after 09:00 by default.
        let post = try #require(defaults.output.split(separator: "\n").first { $0.contains("product-of-the-day@") })
        #expect(post.hasPrefix("2026-11-18T09:0"))
        #expect(!post.hasPrefix("2026-11-18T09:00:00+08:00"))
        #expect(defaults.errors.contains("paced 90 action(s)"))
        // One call every five seconds: every action is at least five seconds after the one before.
        let slow = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules", "--pace", "--config", directory + "/serve.yaml"])
        #expect(slow.status == 0)
        let seconds = slow.output.split(separator: "\n").compactMap { line -> Double? in
            guard let stamp = line.split(separator: " ").first, let date = ISO8601DateFormatter.withFractions.date(from: String(stamp))
                ?? ISO8601DateFormatter().date(from: String(stamp)) else { return nil }
            return date.timeIntervalSince1970
        }
        #expect(seconds.count == 90)
        #expect(zip(seconds, seconds.dropFirst()).allSatisfy { $1 - $0 >= 4.999 })
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
