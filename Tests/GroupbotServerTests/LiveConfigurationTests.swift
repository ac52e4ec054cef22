@testable import GroupbotServer
import GroupbotOneBot
import Testing

/// The live-platform settings: pacing, DM fallback, platform info and the event record.
@Suite struct LiveConfigurationTests {
    @Test func readsPacingFallbackInfoAndRecord() throws {
        let configuration = try ServerConfiguration.parse("""
            record: /var/log/groupbot/events.jsonl
            onebot:
              api_url: http://127.0.0.1:5700
              dm_fallback: admins
              platform_info: false
              info_ttl_seconds: 60
            pacing:
              account_per_second: 0.5
              account_burst: 3
              group_per_minute: 10
              group_burst: 2
              daily_cap_per_group: 50
              schedule_spread_seconds: 600
            """, path: "groupbot.yaml")
        #expect(configuration.record == "/var/log/groupbot/events.jsonl")
        #expect(configuration.oneBot.dmFallback == .admins)
        #expect(configuration.oneBot.platformInfo == false)
        #expect(configuration.oneBot.infoTTLSeconds == 60)
        #expect(configuration.pacing.accountPerSecond == 0.5)
        #expect(configuration.pacing.accountBurst == 3)
        #expect(configuration.pacing.groupPerMinute == 10)
        #expect(configuration.pacing.groupBurst == 2)
        #expect(configuration.pacing.dailyCapPerGroup == 50)
        #expect(configuration.pacing.scheduleSpreadSeconds == 600)
    }

    @Test func badValuesNameTheirLine() {
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.parse("pacing:\n  account_per_second: 0\n", path: "g.yaml")
        }
        do {
            _ = try ServerConfiguration.parse("onebot:\n  dm_fallback: shout\npacing:\n  group_burts: 2\n", path: "g.yaml")
            Issue.record("accepted bad settings")
        } catch {
            #expect(error.description.contains("g.yaml:2:16: 'dm_fallback' is 'shout'; expected one of group, admins, none"))
            #expect(error.description.contains("g.yaml:4:3: unknown setting 'group_burts' in pacing"))
        }
    }
}
