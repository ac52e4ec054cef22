@testable import GroupbotServer
import Testing

@Suite struct ConfigurationTests {
    @Test func readsEverySection() throws {
        let configuration = try ServerConfiguration.parse("""
            host: 0.0.0.0
            port: 9090
            rules: /etc/groupbot/rules
            state: /var/lib/groupbot/state.sqlite
            sync_commits: true
            max_body_bytes: 65536
            reload: false
            callback:
              url: https://ops.example.com/groupbot/actions
              max_attempts: 5
              first_delay_ms: 200
              max_delay_ms: 60000
              timeout_ms: 3000
            onebot:
              api_url: http://127.0.0.1:5700
              admins: ["10001", 10002]
              admin_group: "7770099"
              utc_offset: "+08:00"
            """, path: "groupbot.yaml")
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9090)
        #expect(configuration.rules == "/etc/groupbot/rules")
        #expect(configuration.state == "/var/lib/groupbot/state.sqlite")
        #expect(configuration.syncCommits)
        #expect(configuration.maxBodyBytes == 65536)
        #expect(configuration.reload == false)
        #expect(configuration.callbackURL == "https://ops.example.com/groupbot/actions")
        #expect(configuration.retry.maxAttempts == 5)
        #expect(configuration.retry.firstDelayMilliseconds == 200)
        #expect(configuration.retry.maxDelayMilliseconds == 60000)
        #expect(configuration.retry.timeoutMilliseconds == 3000)
        #expect(configuration.oneBot.apiURL == "http://127.0.0.1:5700")
        #expect(configuration.oneBot.admins == ["10001", "10002"])
        #expect(configuration.oneBot.adminGroup == "7770099")
        #expect(configuration.oneBot.utcOffsetSeconds == 28_800)
    }

    @Test func theShippedExampleLoads() throws {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        let path = components.joined(separator: "/") + "/examples/groupbot.yaml"
        let configuration = try ServerConfiguration.load(path: path)
        #expect(configuration.callbackURL == "http://127.0.0.1:9000/groupbot/actions")
        #expect(configuration.oneBot.apiURL == "http://127.0.0.1:5700")
        #expect(configuration.oneBot.admins == ["10086"])
        #expect(configuration.bindsLoopbackOnly)
    }

    @Test func mistakesNameTheLineAndColumn() {
        #expect(throws: ConfigurationError(path: "g.yaml", line: 3, column: 3, reason:
            "unknown setting 'attempts' in callback; expected one of: url, max_attempts, first_delay_ms, max_delay_ms, timeout_ms")) {
            try ServerConfiguration.parse("port: 8080\ncallback:\n  attempts: 3\n", path: "g.yaml")
        }
        #expect(throws: ConfigurationError(path: "g.yaml", line: 1, column: 7, reason:
            "'port' should be a whole number from 1 to 65535")) {
            try ServerConfiguration.parse("port: eighty\n", path: "g.yaml")
        }
        #expect(throws: ConfigurationError(path: "g.yaml", line: 2, column: 8, reason:
            "'url' should be an http:// or https:// URL, got 'ftp://x'")) {
            try ServerConfiguration.parse("callback:\n  url: ftp://x\n", path: "g.yaml")
        }
    }

    @Test func secretsAreRefusedInTheFile() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ServerConfiguration.parse("onebot:\n  access_token: abc\n", path: "g.yaml")
        }
        #expect(error.line == 2)
        #expect(error.reason.contains("secrets are not read from the configuration file"))
    }

    @Test func secretsComeFromTheEnvironment() {
        let secrets = ServerConfiguration.Secrets(environment: [
            "GROUPBOT_WEBHOOK_SECRETS": "whsec_bmV3, whsec_b2xk", "GROUPBOT_TOKEN": "t0k3n", "ONEBOT_SECRET": " ",
        ])
        #expect(secrets.webhookSecrets == ["whsec_bmV3", "whsec_b2xk"])
        #expect(secrets.bearerToken == "t0k3n")
        #expect(secrets.oneBotSecret == nil)
        #expect(secrets.guardsEvents && secrets.guardsOneBot)
    }

    @Test func aPublicAddressNeedsASecretOrInsecure() throws {
        var configuration = ServerConfiguration()
        configuration.host = "0.0.0.0"
        #expect(throws: ServeError.self) { try ServerAssembly.checkExposure(configuration, insecure: false) }
        try ServerAssembly.checkExposure(configuration, insecure: true)
        configuration.secrets.bearerToken = "t"
        try ServerAssembly.checkExposure(configuration, insecure: false)
        configuration = ServerConfiguration()
        try ServerAssembly.checkExposure(configuration, insecure: false)  // loopback is fine
    }
}
