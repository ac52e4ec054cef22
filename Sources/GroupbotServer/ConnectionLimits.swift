/// What one client, or many slow ones, may hold of the server: connections, time and
/// memory. Without these, 1,100 idle connections made every normal request time out
/// and 1,000 stalled 1 MB bodies held 1.28 GB (docs/security.md).
package struct ConnectionLimits: Sendable, Equatable {
    /// Connections open at once; past it the server stops accepting until one closes
    /// (`max_connections`).
    package var maxConnections = 512
    /// A connection with nothing read or written for this long is closed, whether it
    /// never sent a request, stalls in its headers or idles between requests (`idle_timeout_ms`).
    package var idleTimeoutMilliseconds: Int64 = 15_000
    /// A request body must arrive in full within this time after its headers, however
    /// slowly it trickles in: 408 otherwise (`body_timeout_ms`).
    package var bodyTimeoutMilliseconds: Int64 = 10_000
    /// Request bodies being read at once, all requests together; a body that would pass
    /// it gets 503 with `Retry-After` before it is read (`bodies_in_flight_bytes`).
    package var bodiesInFlightBytes = 32 << 20

    /// Creates the defaults.
    package init() {}
}
