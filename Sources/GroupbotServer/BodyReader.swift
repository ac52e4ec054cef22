import Hummingbird
import Synchronization

/// Reads request bodies within the ``ConnectionLimits``: a size limit per body (413),
/// a deadline per body (408), and a bound on the bytes all bodies being read may take
/// at once (503), reserved up front from the body's declared or maximum size.
package final class BodyReader: Sendable {
    private let limits: ConnectionLimits
    private let maxBodyBytes: Int
    private let inFlight = Mutex(0)

    /// Creates a reader.
    package init(limits: ConnectionLimits, maxBodyBytes: Int) {
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
    }

    /// Bytes reserved by bodies being read now.
    package var bytesInFlight: Int { inFlight.withLock { $0 } }

    /// The request's body, or an HTTP error that says why not.
    package func read(_ request: Request) async throws -> [UInt8] {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > maxBodyBytes {
            throw HTTPError(.contentTooLarge, message: "the body is \(declared) bytes; the limit is \(maxBodyBytes)")
        }
        let reserve = min(declared ?? maxBodyBytes, maxBodyBytes)
        let admitted = inFlight.withLock { bytes in
            guard bytes + reserve <= limits.bodiesInFlightBytes else { return false }
            bytes += reserve
            return true
        }
        guard admitted else {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"],
                            message: "too many request bodies are being read at once; try again shortly")
        }
        defer { inFlight.withLock { $0 -= reserve } }
        return try await withDeadline(request)
    }

    private func withDeadline(_ request: Request) async throws -> [UInt8] {
        let limit = maxBodyBytes, timeout = limits.bodyTimeoutMilliseconds
        return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var request = request
                do {
                    return Array(buffer: try await request.collectBody(upTo: limit))
                } catch let error as HTTPError {
                    throw error
                } catch {
                    // The client went away mid-body, or sent a malformed one: its fault, not the server's.
                    throw HTTPError(.badRequest, message: "the request body could not be read: it ended early or was malformed")
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(timeout))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw HTTPError(.requestTimeout, message: "the request body did not arrive within \(timeout) ms")
            }
            return body
        }
    }
}
