import CoreMetrics
import GroupbotCore
import GroupbotRuntime
import Prometheus
import Synchronization

/// The figures `GET /metrics` shows, in the Prometheus text format. Each server has
/// its own registry, so tests (and several servers in one process) do not mix counts.
package final class ServerMetrics: Sendable {
    /// The registry the figures live in.
    package let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// The counters and timers made so far, by label and dimension values: making one through
    /// the factory on every event costs more than the engine's work for it.
    private let counters = Mutex<[MetricKey: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[MetricKey: CoreMetrics.Timer]>([:])
    /// Which actions start a new firing of their rule.
    private let hits = Mutex(RuleHits())

    /// Creates an empty set of figures.
    package init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1),
        ]
        // Pacing holds calls back for seconds to minutes, not the milliseconds of a request.
        factory.durationHistogramBuckets["groupbot_pacing_delay_seconds"] = [
            .milliseconds(100), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300), .seconds(900),
        ]
        self.factory = factory
    }

    /// Counts events taken in, by type and by transport.
    package func eventsIn(_ events: [Event], transport: String) {
        for event in events {
            counter("groupbot_events_total", ("type", event.type.rawValue), ("transport", transport)).increment()
        }
    }

    /// Counts actions produced, by kind, and the rule hits behind them (one per firing, as
    /// `replay --report` counts them: ``RuleHits``).
    package func actionsOut(_ actions: [Action]) {
        let hitRules = hits.withLock { hits in actions.filter { hits.isHit($0) }.map(\.rule) }
        for action in actions {
            counter("groupbot_actions_total", ("kind", action.kind.rawValue)).increment()
        }
        for rule in hitRules { counter("groupbot_rule_hits_total", ("rule", rule)).increment() }
    }

    /// Counts events skipped as repeats.
    package func duplicates(_ count: Int) {
        guard count > 0 else { return }
        counter("groupbot_duplicate_events_total").increment(by: count)
    }

    /// Records one request's handling time, by route and status.
    package func request(route: String, status: Int, nanoseconds: Int64) {
        let key = MetricKey(label: "groupbot_request_duration_seconds", first: route, second: String(status))
        Self.handle(key, in: timers) {
            CoreMetrics.Timer(label: key.label, dimensions: [("route", route), ("status", key.second)], factory: factory)
        }.recordNanoseconds(nanoseconds)
    }

    /// Counts a delivery outcome (`sent`, `retried`, `dead`) by target.
    package func delivery(_ outcome: String, target: String) {
        counter("groupbot_deliveries_total", ("outcome", outcome), ("target", target)).increment()
    }

    /// Sets the number of pending and dead deliveries.
    package func deliveryBacklog(pending: Int, dead: Int) {
        Gauge(label: "groupbot_deliveries_pending", factory: factory).record(pending)
        Gauge(label: "groupbot_dead_letters", factory: factory).record(dead)
    }

    /// Sets the number of calls waiting for their pacing slot on `target`.
    package func pacingQueue(_ depth: Int, target: String) {
        Gauge(label: "groupbot_pacing_queue", dimensions: [("target", target)], factory: factory).record(depth)
    }

    /// Records how long pacing held a call back after it was due, by target and priority.
    package func pacingDelay(milliseconds: Int64, target: String, priority: PacingClass.Priority) {
        let name = switch priority {
        case .enforcement: "enforcement"
        case .message: "message"
        case .scheduled: "scheduled"
        }
        let key = MetricKey(label: "groupbot_pacing_delay_seconds", first: target, second: name)
        Self.handle(key, in: timers) {
            CoreMetrics.Timer(label: key.label, dimensions: [("target", target), ("priority", name)], factory: factory)
        }.recordNanoseconds(max(0, milliseconds) * 1_000_000)
    }

    /// The counter of `label` with these dimensions, made on first use.
    private func counter(_ label: String, _ first: (String, String)? = nil, _ second: (String, String)? = nil) -> CoreMetrics.Counter {
        let key = MetricKey(label: label, first: first?.1 ?? "", second: second?.1 ?? "")
        return Self.handle(key, in: counters) {
            CoreMetrics.Counter(label: label, dimensions: [first, second].compactMap { $0 }, factory: factory)
        }
    }

    /// The handle kept under `key`, made and kept on first use.
    private static func handle<Handle: Sendable>(
        _ key: MetricKey, in cache: borrowing Mutex<[MetricKey: Handle]>, make: () -> Handle
    ) -> Handle {
        cache.withLock { handles in
            if let handle = handles[key] { return handle }
            let handle = make()
            handles[key] = handle
            return handle
        }
    }

    /// The Prometheus text exposition of every figure.
    package func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// A metric's label and the values of its (at most two) dimensions; each label always
/// has the same dimension names.
private struct MetricKey: Hashable {
    let label: String
    let first: String
    let second: String
}
