/// Bounds on the work one match may do, so that a pathological pattern or a
/// hostile text cannot stall the engine.
package struct MatchLimits: Sendable, Equatable {
    /// The most times PCRE2 may call its internal match function (backtracking steps).
    package var matchLimit: UInt32
    /// The deepest backtracking nesting allowed.
    package var depthLimit: UInt32
    /// The most heap memory, in KiB, one match may use.
    package var heapLimitKiB: UInt32

    /// Creates limits.
    package init(matchLimit: UInt32, depthLimit: UInt32, heapLimitKiB: UInt32) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.heapLimitKiB = heapLimitKiB
    }

    /// Generous for chat messages, tight enough that a runaway pattern gives up
    /// in milliseconds rather than minutes.
    package static let `default` = MatchLimits(matchLimit: 1_000_000, depthLimit: 10_000, heapLimitKiB: 20_000)
}
