import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Idle and slow clients against the real server: they are timed out, not kept.
@Suite(.serialized) struct SlowClientTests {
    /// A raw TCP connection to 127.0.0.1, for clients no HTTP library would play.
    final class RawConnection {
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(descriptor) }

        /// Waits at most `seconds` for the next reads (then a read gives up).
        func timeout(_ seconds: Int, microseconds: Int = 0) {
            var timeout = timeval(tv_sec: seconds, tv_usec: microseconds)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
        }

        /// Everything the server sends until it closes the connection (or 10 s pass).
        func readToEnd() -> String {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }
    }

    func server(idleMilliseconds: Int = 300, bodyMilliseconds: Int = 500, maxConnections: Int = 512) async throws -> ServeProcessTests.Server {
        let config = ServerFixture.temporaryPath(".yaml")
        try "idle_timeout_ms: \(idleMilliseconds)\nbody_timeout_ms: \(bodyMilliseconds)\nmax_connections: \(maxConnections)\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let rules = try ServeProcessTests().rulesDirectory(reply: "x")
        let server = try ServeProcessTests.Server(arguments: ["--rules", rules, "--state", "memory", "--config", config])
        try await server.ready()
        return server
    }

    @Test func anIdleConnectionIsClosed() async throws {
        let server = try await server()
        defer { _ = server.stop() }
        let connection = try RawConnection(port: server.port)
        let started = ContinuousClock.now
        #expect(connection.readToEnd().isEmpty)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aBodyThatTricklesPastItsDeadlineGets408() async throws {
        // The idle timeout is long, so only the body's deadline can end this request.
        let server = try await server(idleMilliseconds: 10_000, bodyMilliseconds: 500)
        defer { _ = server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        for _ in 0..<10 {
            try await Task.sleep(for: .milliseconds(100))
            connection.send(" ")  // never idle, never done
        }
        let response = connection.readToEnd()
        #expect(response.hasPrefix("HTTP/1.1 408"))
    }

    @Test func aClientThatLeavesMidBodyIsAClientErrorNotA500() async throws {
        let server = try await server()
        let connection = try RawConnection(port: server.port)
        connection.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"type\":")
        shutdown(connection.descriptor, Int32(SHUT_WR))
        _ = connection.readToEnd()
        try await Task.sleep(for: .milliseconds(200))
        let metrics = try await server.get("/metrics")
        #expect(!metrics.contains("status=\"500\""))
        let (status, log) = server.stop()
        #expect(status == 0)
        #expect(!log.contains("status=500"))  // not a bare "500": request ids are random hex
    }

    @Test func aConnectionPastTheCapWaitsUntilOneCloses() async throws {
        // One connection at a time: the health check's pooled connection holds it until it idles out.
        let server = try await server(idleMilliseconds: 1_500, maxConnections: 1)
        defer { _ = server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.timeout(0, microseconds: 500_000)
        #expect(connection.readToEnd().isEmpty)  // not accepted yet
        connection.timeout(10)
        #expect(connection.readToEnd().hasPrefix("HTTP/1.1 200"))  // accepted once the other one closed
    }
}
