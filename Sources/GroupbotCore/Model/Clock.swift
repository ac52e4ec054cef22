/// Where the engine gets "now" from. Injected, never read from the system by the core.
package protocol EngineClock: AnyObject {
    /// The current instant.
    var now: Instant { get }
}

/// A clock that only moves when told to: replay and tests drive it from the
/// events' timestamps, so the same input gives the same output everywhere.
package final class VirtualClock: EngineClock {
    package private(set) var now: Instant

    /// Creates a clock reading `start`.
    package init(start: Instant = Instant(milliseconds: 0)) {
        now = start
    }

    /// Moves the clock to `instant`; it never goes backwards.
    package func advance(to instant: Instant) {
        if instant > now { now = instant }
    }
}
