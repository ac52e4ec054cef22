import GroupbotCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's wall clock, for `run` and `serve`.
package final class WallClock: EngineClock, Sendable {
    /// Creates the clock.
    package init() {}

    package var now: Instant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Instant(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

/// A clock that moves only when told to and may be read and moved from any thread:
/// what tests give `serve`'s pieces instead of the wall clock, so nothing waits.
package final class ManualClock: EngineClock, Sendable {
    private let instant: Mutex<Instant>

    /// Creates a clock reading `start`.
    package init(start: Instant) {
        instant = Mutex(start)
    }

    package var now: Instant { instant.withLock { $0 } }

    /// Moves the clock forward by `milliseconds`.
    package func advance(milliseconds: Int64) {
        instant.withLock { $0 = Instant(milliseconds: $0.milliseconds + milliseconds) }
    }
}
