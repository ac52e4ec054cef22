@testable import GroupbotServer
import GroupbotTestSupport
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
        let path = Repository.root + "/examples/groupbot.yaml"
        let configuration = try ServerConfiguration.load(path: path)
        #expect(configuration.callbackURL == "http://127.0.0.1:9000/groupbot/actions")
        #expect(configuration.oneBot.apiURL == "http://127.0.0.1:5700")
        #expect(configuration.oneBot.admins == ["10086"])
        #expect(configuration.bindsLoopbackOnly)
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try ServerConfiguration.parse(text, path: "g.yaml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func mistakesNameTheLineAndColumn() {
        #expect(problems("port: 8080\ncallback:\n  attempts: 3\n") == [
            "g.yaml:3:3: unknown setting 'attempts' in callback; expected one of url, max_attempts, first_delay_ms, max_delay_ms, timeout_ms",
        ])
        #expect(problems("port: eighty\n") == ["g.yaml:1:7: port 'eighty' is not a whole number; expected a number such as 10"])
        #expect(problems("port: 99999\n") == ["g.yaml:1:7: 'port' is 99999; expected a whole number from 1 to 65535"])
        #expect(problems("callback:\n  url: ftp://x\n") == ["g.yaml:2:8: 'url' is 'ftp://x'; expected an http:// or https:// URL"])
    }

    @Test func everyMistakeIsReportedAtOnce() {
        let found = problems("port: 0\nhost: [a]\nreload: maybe\nonebot:\n  utc_offset: 8\n  api_token: x\nmax_conections: 5\n")
        #expect(found.count == 6)
        #expect(found.map { $0.split(separator: ":").prefix(2).joined(separator: ":") } == [
            "g.yaml:1", "g.yaml:2", "g.yaml:3", "g.yaml:5", "g.yaml:6", "g.yaml:7",
        ])
        #expect(found.last?.hasSuffix("(did you mean 'max_connections'?)") == true)
    }

    @Test func secretsAreRefusedInTheFile() throws {
        let found = problems("onebot:\n  access_token: abc\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("g.yaml:2:3: 'access_token': secrets are not read from the configuration file") == true)
    }

    @Test func invalidYAMLAndAliasBombsAreOneMistakeEach() {
        #expect(problems("port: [8080\n").first?.contains("not valid YAML") == true)
        #expect(problems("").isEmpty)
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

/// `keep_days`: how long the state file keeps its audit log.
@Suite struct RetentionSettingTests {
    @Test func keepDaysIsReadAndChecked() throws {
        #expect(try ServerConfiguration.parse("keep_days: 30\n", path: "g.yaml").keepDays == 30)
        #expect(try ServerConfiguration.parse("port: 8080\n", path: "g.yaml").keepDays == 90)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.parse("keep_days: 0\n", path: "g.yaml") }
    }
}

/// `onebot.dm_through_group`: DMs through the member's group (an implementation extension).
@Suite struct DMThroughGroupSettingTests {
    @Test func readIntoTheDialectsOptions() throws {
        let configuration = try ServerConfiguration.parse("onebot:\n  dm_through_group: true\n", path: "g.yaml")
        #expect(configuration.oneBot.dialectOptions.dmThroughGroup)
        #expect(try !ServerConfiguration.parse("port: 8080\n", path: "g.yaml").oneBot.dialectOptions.dmThroughGroup)
    }

    @Test func aClusterIsReadAndCheckedForWhatItNeeds() throws {
        let text = """
            state: postgres://groupbot@db.internal:5432/groupbot
            callback: { url: "https://crm.example.com/hook" }
            cluster: { instance: bot-2, partitions: 32, failover_ms: 5000 }
            """
        let configuration = try ServerConfiguration.parse(text, path: "g.yaml")
        let cluster = try #require(configuration.cluster)
        #expect(cluster.instance == "bot-2" && cluster.partitions == 32 && cluster.failoverMilliseconds == 5_000)
        #expect(cluster.leaseMilliseconds == 4_000 && cluster.heartbeatMilliseconds == 1_000)
        try ServerAssembly.checkExposure(configuration, insecure: false)
        #expect(try ServerConfiguration.parse("cluster: {}\n", path: "g.yaml").cluster?.failoverMilliseconds == 10_000)
        let problems = ConfigurationTests().problems
        #expect(problems("cluster: { partitions: 0 }\n") == ["g.yaml:1:24: 'partitions' is 0; expected a whole number from 1 to 4096"])
        #expect(problems("cluster: { leader: a }\n").first?.contains("unknown setting 'leader' in cluster") == true)

        var onAFile = configuration
        onAFile.state = "groupbot.sqlite"
        #expect(throws: ServeError(reason: "cluster: needs the state on PostgreSQL (state: postgres://…), which every instance shares")) {
            try ServerAssembly.checkExposure(onAFile, insecure: false)
        }
        var withoutChannel = configuration
        withoutChannel.callbackURL = nil
        #expect(throws: ServeError.self) { try ServerAssembly.checkExposure(withoutChannel, insecure: false) }
    }
}
