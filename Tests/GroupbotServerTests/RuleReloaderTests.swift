import Foundation
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
@testable import GroupbotServer
import Testing

/// The rule reloader on an injected clock and trigger: no test waits for it to poll.
@Suite struct RuleReloaderTests {
    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 1_800_000_000)
    }

    func rule(_ reply: String) -> String {
        "rules:\n  - id: faq\n    on: message\n    actions: [{ send: \"\(reply)\" }]\n"
    }

    func setUp(_ reply: String) throws -> (directory: String, engine: Engine, reloader: RuleReloader, clock: Clock, log: () -> [String]) {
        let directory = NSTemporaryDirectory() + "groupbot-reload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try rule(reply).write(toFile: directory + "/general.yaml", atomically: true, encoding: .utf8)
        let engine = Engine(book: try RuleBookLoader.load(directory: directory), clock: VirtualClock())
        let clock = Clock()
        var lines: [String] = []
        let reloader = RuleReloader(directory: directory, engine: engine, log: { lines.append($0) }, reloadsOnHangUp: false,
                                    now: { clock.now })
        return (directory, engine, reloader, clock, { lines })
    }

    @Test func anEditedFileIsPickedUpAtTheNextLookASecondLater() throws {
        let (directory, engine, reloader, clock, log) = try setUp("旧的回复")
        #expect(!reloader.check())  // nothing changed
        try rule("新的回复，长一些").write(toFile: directory + "/general.yaml", atomically: true, encoding: .utf8)
        clock.now += 0.5
        #expect(!reloader.check())  // looked less than a second ago
        clock.now += 1
        #expect(reloader.check())
        #expect(engine.book.types["general"]?.rules.first?.steps.first?.texts.first?.segments == [.literal("新的回复，长一些")])
        #expect(log().last?.hasPrefix("rules reloaded from \(directory): 1 group types") == true)
    }

    @Test func aBrokenFileKeepsTheOldRulesAndSaysWhere() throws {
        let (directory, engine, reloader, clock, log) = try setUp("旧的回复")
        try "rules: [\n".write(toFile: directory + "/general.yaml", atomically: true, encoding: .utf8)
        clock.now += 2
        #expect(!reloader.check())
        #expect(engine.book.types["general"]?.rules.first?.steps.first?.texts.first?.segments == [.literal("旧的回复")])
        #expect(log().last?.contains("not reloaded, the old rules keep running:\n\(directory)/general.yaml:2:1: not valid YAML") == true)
    }

    @Test func aRequestedReloadHappensAtOnce() throws {
        let (directory, engine, reloader, _, log) = try setUp("旧的回复")
        #expect(reloader.check() == false)
        try rule("第三版").write(toFile: directory + "/general.yaml", atomically: true, encoding: .utf8)
        reloader.requestReload()  // what SIGHUP does; no time passes
        #expect(reloader.check())
        #expect(engine.book.types["general"]?.rules.first?.steps.first?.texts.first?.segments == [.literal("第三版")])
        #expect(log().last?.contains("(SIGHUP)") == true)
    }
}
