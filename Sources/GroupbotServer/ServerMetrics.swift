import CoreMetrics
import GroupbotCore
import Prometheus

/// The figures `GET /metrics` shows, in the Prometheus text format. Each server has
/// its own registry, so tests (and several servers in one process) do not mix counts.
public final class ServerMetrics: Sendable {
    /// The registry the figures live in.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    /// Creates an empty set of figures.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1),
        ]
        self.factory = factory
    }

    /// Counts events taken in, by type and by transport.
    public func eventsIn(_ events: [Event], transport: String) {
        for event in events {
            Counter(label: "groupbot_events_total", dimensions: [("type", event.type.rawValue), ("transport", transport)],
                    factory: factory).increment()
        }
    }

    /// Counts actions produced, by kind, and the rule hits behind them.
    public func actionsOut(_ actions: [Action]) {
        for action in actions {
            Counter(label: "groupbot_actions_total", dimensions: [("kind", action.kind.rawValue)], factory: factory).increment()
            Counter(label: "groupbot_rule_hits_total", dimensions: [("rule", action.rule)], factory: factory).increment()
        }
    }

    /// Counts events skipped as repeats.
    public func duplicates(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "groupbot_duplicate_events_total", factory: factory).increment(by: count)
    }

    /// Records one request's handling time, by route and status.
    public func request(route: String, status: Int, nanoseconds: Int64) {
        Timer(label: "groupbot_request_duration_seconds", dimensions: [("route", route), ("status", String(status))],
              factory: factory).recordNanoseconds(nanoseconds)
    }

    /// Counts a delivery outcome (`sent`, `retried`, `dead`) by target.
    public func delivery(_ outcome: String, target: String) {
        Counter(label: "groupbot_deliveries_total", dimensions: [("outcome", outcome), ("target", target)],
                factory: factory).increment()
    }

    /// Sets the number of pending and dead deliveries.
    public func deliveryBacklog(pending: Int, dead: Int) {
        Gauge(label: "groupbot_deliveries_pending", factory: factory).record(pending)
        Gauge(label: "groupbot_dead_letters", factory: factory).record(dead)
    }

    /// The Prometheus text exposition of every figure.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
