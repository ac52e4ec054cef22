import AsyncHTTPClient
import Foundation
import GroupbotTestSupport
import NIOCore
import Testing

/// The real `groupbot serve` process: hot reload, refusal of a public address, graceful stop.
@Suite(.serialized) struct ServeProcessTests {
    static let binary = BuiltProduct.groupbot

    final class Server {
        let process = Process()
        let errors = Pipe()
        // Below Linux's ephemeral range (32768–60999): a port an outgoing connection of another test
        // holds (a PostgreSQL client's, say) would make `serve` fail to bind, or the client connect to itself.
        let port = Int.random(in: 20_000...32_000)

        init(arguments: [String], environment: [String: String] = [:]) throws {
            process.executableURL = URL(fileURLWithPath: ServeProcessTests.binary)
            process.arguments = ["serve", "--port", String(port)] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits until `/healthz` answers.
        func ready() async throws {
            for _ in 0..<100 {
                if (try? await get("/healthz")) != nil { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("serve did not start")
        }

        func get(_ path: String) async throws -> String {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(5))
            return String(buffer: try await response.body.collect(upTo: 1 << 20))
        }

        func post(_ body: String) async throws -> String {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/events")
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            return String(buffer: try await response.body.collect(upTo: 1 << 20))
        }

        /// Stops with `signal` and returns the exit status and what went to stderr.
        func stop(_ signal: Int32 = SIGTERM) -> (Int32, String) {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return (process.terminationStatus, log)
        }
    }

    func rulesDirectory(reply: String) throws -> String {
        let directory = NSTemporaryDirectory() + "groupbot-serve-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try rule(reply: reply).write(toFile: directory + "/general.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    func rule(reply: String) -> String {
        "rules:\n  - id: price\n    on: message\n    when: { keywords: { any: [价格] } }\n    actions: [{ reply: \"\(reply)\" }]\n"
    }

    /// Which changes are picked up, and when, is RuleReloaderTests' business (injected clock and
    /// trigger); here only the wiring: SIGHUP reaches `serve`, whose ticker reloads between requests.
    @Test func rulesReloadOnSIGHUP() async throws {
        let rules = try rulesDirectory(reply: "旧的回复")
        let server = try Server(arguments: ["--rules", rules, "--state", ServerFixture.temporaryPath()])
        try await server.ready()
        #expect(try await server.post(ServerFixture.message("m1", "价格")).contains("旧的回复"))

        try rule(reply: "第三版回复").write(toFile: rules + "/general.yaml", atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        var answer = ""
        for attempt in 0..<50 where !answer.contains("第三版回复") {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(100)) }  // until the ticker's next round
            answer = try await server.post(ServerFixture.message("r\(attempt)", "价格"))
        }
        #expect(answer.contains("第三版回复"))

        let (status, log) = server.stop(SIGTERM)
        #expect(status == 0)
        #expect(log.contains("rules reloaded from \(rules) (SIGHUP)"))
    }

    @Test func aPublicAddressWithoutSecretsIsRefused() throws {
        let server = try Server(arguments: ["--rules", try rulesDirectory(reply: "x"), "--host", "0.0.0.0", "--state", "memory"])
        server.process.waitUntilExit()
        let log = String(decoding: server.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(server.process.terminationStatus == 1)
        #expect(log.contains("refusing to listen on 0.0.0.0 with /v1/events and /onebot/v11 unguarded"))
    }

    @Test func stateSurvivesAStopAndARepeatIsDropped() async throws {
        let rules = try rulesDirectory(reply: "价格见公告")
        let state = ServerFixture.temporaryPath()
        let first = try Server(arguments: ["--rules", rules, "--state", state])
        try await first.ready()
        #expect(try await first.post(ServerFixture.message("m1", "价格")).contains("价格见公告"))
        #expect(first.stop(SIGINT).0 == 0)
        let second = try Server(arguments: ["--rules", rules, "--state", state])
        try await second.ready()
        #expect(try await second.post(ServerFixture.message("m1", "价格")).contains(#""duplicates":1"#))
        #expect(second.stop().0 == 0)
    }
}
