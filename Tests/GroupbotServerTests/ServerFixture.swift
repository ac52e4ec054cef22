import Foundation
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
import GroupbotServer
import Hummingbird
import Logging

/// Rules, events and a configured server for the tests.
enum ServerFixture {
    static let rules = """
        rules:
          - id: price
            on: message
            when: { keywords: { any: [价格] } }
            actions: [{ reply: "价格请看群公告第一条" }]
          - id: later
            on: message
            when: { keywords: { any: [稍后] } }
            actions: [{ send: "稍后回复您", after: 1s }]
        """

    static func book() throws -> RuleBook {
        try RuleBookLoader.load(files: [("rules/general.yaml", rules)])
    }

    /// A wire-format message event, stamped now.
    static func message(_ id: String, _ text: String, group: String = "7770001", user: String = "2001") -> String {
        let ts = Int64(Date().timeIntervalSince1970)
        return #"{"type":"message","id":"\#(id)","ts":\#(ts),"group":"\#(group)","user":"\#(user)","nick":"小芳","text":"\#(text)"}"#
    }

    static let logger: Logger = {
        var logger = Logger(label: "groupbot-test")
        logger.logLevel = .critical
        return logger
    }()

    static func temporaryPath(_ suffix: String = ".sqlite") -> String {
        NSTemporaryDirectory() + "groupbot-server-\(UUID().uuidString)\(suffix)"
    }

    /// Dependencies over the fixture's rules, in memory unless a state path is set.
    static func dependencies(
        clock: any EngineClock & Sendable = WallClock(), _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> ServerDependencies {
        var configuration = ServerConfiguration()
        configuration.state = "memory"
        configuration.reload = false
        configure(&configuration)
        return try await ServerAssembly.makeDependencies(configuration: configuration, book: book(), logger: logger, clock: clock)
    }

    static func application(_ dependencies: ServerDependencies) -> some ApplicationProtocol {
        Application(router: ServerRoutes.buildRouter(dependencies), logger: logger)
    }

    /// The parsed JSON of a response body.
    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
        return object as? [String: Any] ?? [:]
    }
}
