import Foundation
import Testing
import GroupbotTestSupport

/// The `groupbot` executable end to end: exit statuses, stderr, live pipes.
@Suite(.serialized) struct CommandLineTests {
    static let binary = BuiltProduct.groupbot

    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs the binary with `arguments`, feeding `input` on stdin.
    func groupbot(_ arguments: [String], input: String = "") throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Paths.repository)
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                       errors: String(decoding: errors, as: UTF8.self))
    }

    func temporaryDirectory(_ files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "groupbot-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, contents) in files {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test func clusterCommandsNeedAPostgreSQLStateAndCreateNoFile() throws {
        let path = NSTemporaryDirectory() + "cluster-\(UUID().uuidString).sqlite"
        for command in ["status", "log"] {
            let outcome = try groupbot(["cluster", command, "--state", path])
            #expect(outcome.status == 64)
            #expect(outcome.errors.contains("--state must be a postgres:// address"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func checkAcceptsTheShippedRules() throws {
        let outcome = try groupbot(["check", "rules"])
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix("rules: ok — 4 group types (ads, general, regional, vip)"))
    }

    @Test func checkFailsWithLocationsAndSuggestions() throws {
        let directory = try temporaryDirectory(["general.yaml": "rules:\n  - id: a\n    on: message\n    actoins: [delete]\n"])
        let outcome = try groupbot(["check", directory])
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains("\(directory)/general.yaml:4:5: unknown key 'actoins' in a rule"))
        #expect(outcome.errors.contains("(did you mean 'actions'?)"))
        #expect(outcome.errors.hasSuffix("2 errors in \(directory)\n"))
    }

    @Test func runReportsBadLinesOnStderrAndKeepsGoing() throws {
        let input = """
            not json
            {"type":"message","id":"m1","ts":"2026-11-20T10:00:00+08:00","group":"g-fans-01","user":"u1","nick":"A","text":"什么时候发货"}

            """
        let outcome = try groupbot(["run", "--rules", "rules", "--clock", "events", "--state", "memory"], input: input)
        #expect(outcome.status == 0)
        #expect(outcome.errors == "line 1: invalid JSON at byte 1: unknown literal\n")
        #expect(outcome.output.hasPrefix(#"{"id":"m1:faq-shipping:0","action":"send","group":"g-fans-01""#))
    }

    @Test func replayWithExpectPrintsADiffAndFailsWhenActionsDiffer() throws {
        let expected = try String(contentsOfFile: Paths.examples + "/demo.expected.jsonl", encoding: .utf8)
        var lines = expected.split(separator: "\n").map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: "\"action\":\"send\"", with: "\"action\":\"dm\"")
        let directory = try temporaryDirectory(["expected.jsonl": lines.joined(separator: "\n") + "\n"])
        let differs = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules", "--expect", directory + "/expected.jsonl"])
        #expect(differs.status == 1)
        #expect(differs.output.contains("@@ -2,5 +2,5 @@"))
        #expect(differs.output.contains("- " + lines[3]))
        #expect(differs.output.contains("+ " + expected.split(separator: "\n")[3]))
        let matches = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules", "--expect", "examples/demo.expected.jsonl"])
        #expect(matches.status == 0)
        #expect(matches.errors.contains("replay matches examples/demo.expected.jsonl: 90 actions from 100 events"))
    }

    @Test func replayOutputIsTheSameBytesEveryRun() throws {
        let first = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules"])
        let second = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules"])
        #expect(first.status == 0 && !first.output.isEmpty && first.output == second.output)
    }

    @Test func everyFlushPolicyWritesTheSameActions() throws {
        let log = try String(contentsOfFile: Paths.examples + "/demo.jsonl", encoding: .utf8)
        let outputs = try ["auto", "line", "buffered"].map { policy in
            try groupbot(["run", "--rules", "rules", "--clock", "events", "--flush", policy, "--state", "memory"], input: log).output
        }
        #expect(!outputs[0].isEmpty && outputs[0] == outputs[1] && outputs[1] == outputs[2])
    }

    /// The schema is checked by an independent validator (python-jsonschema) against every shipped file.
    @Test func shippedRulesValidateAgainstTheSchema() throws {
        let directory = try temporaryDirectory([
            "type.json": try groupbot(["schema"]).output,
            "mapping.json": try groupbot(["schema", "--mapping"]).output,
        ])
        let files = try FileManager.default.contentsOfDirectory(atPath: Paths.rules).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 6)
        let (status, text) = try validate(files.map { Paths.rules + "/" + $0 }, schemasIn: directory)
        #expect(status == 0, "\(text)")
        #expect(text.hasSuffix("\(files.count) files checked, 0 problems\n"))
    }

    /// Runs the independent validator (python-jsonschema) over `files` with the schemas
    /// `type.json` and `mapping.json` in `directory`.
    func validate(_ files: [String], schemasIn directory: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.repository + "/Tests/schema/validate.py", directory + "/type.json",
                             directory + "/mapping.json"] + files
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// What the parser takes, the schema takes: the forms added to the language, in one file
    /// that `check` loads and the independent validator accepts.
    @Test func theParserAndTheSchemaAgreeOnTheNewerForms() throws {
        let base = """
            abstract: true
            ladders:
              ads: { window: 30d, steps: [[{ dm: 提醒 }], [delete]] }
            rules:
              - id: contact
                on: message
                when:
                  keywords: { any: [vx, qq], match: word }
                  time: { from: "09:00", to: "18:00", days: fri }
                ladder: ads
              - id: faq
                on: message
                when: { keywords: { any: [价格] } }
                cooldown: { window: day, per: user_everywhere }
                actions: [{ reply: 见公告 }]
              - id: invite-reward
                on: join
                when: { invites: { count: 20, scope: type } }
                actions: [{ send: "感谢 {inviter_nick}" }]
            """
        let directory = try temporaryDirectory([
            "rules/base.yaml": base, "rules/general.yaml": "extends: base\nrules: []\n",
            "type.json": try groupbot(["schema"]).output, "mapping.json": try groupbot(["schema", "--mapping"]).output,
        ])
        let check = try groupbot(["check", "--strict", directory + "/rules"])
        #expect(check.status == 0, "\(check.errors)")
        let (_, text) = try validate([directory + "/rules/base.yaml", directory + "/rules/general.yaml"], schemasIn: directory)
        #expect(text.hasSuffix("2 files checked, 0 problems\n"), "\(text)")
    }

    /// A running `groupbot run` reloads its rules on SIGHUP.
    @Test func liveRunReloadsRules() throws {
        let rule = { (reply: String) in "rules:\n  - id: faq\n    on: message\n    actions: [{ send: \"\(reply)\" }]\n" }
        let directory = try temporaryDirectory(["general.yaml": rule("旧的回复")])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--rules", directory, "--state", "memory"]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        defer { process.terminate() }
        var counter = 0
        func ask() -> String {
            counter += 1
            stdin.fileHandleForWriting.write(Data(#"{"type":"message","id":"m\#(counter)","ts":1795137301,"group":"g1","user":"u1","text":"在吗"}"#.utf8 + [10]))
            let data = stdout.fileHandleForReading.availableData
            return String(decoding: data, as: UTF8.self)
        }
        #expect(ask().contains("旧的回复"))
        // Which changes are picked up, and when, is RuleReloaderTests' business (injected clock and
        // trigger); here only the wiring: SIGHUP reaches the running command, which reloads between reads.
        try rule("第三版").write(toFile: directory + "/general.yaml", atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        var answers: [String] = []
        while answers.count < 50, !(answers.last ?? "").contains("第三版") { answers.append(ask()) }
        #expect(answers.last?.contains("第三版") == true)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("rules reloaded from \(directory) (SIGHUP): 1 group type"))
        #expect(log.contains("(SIGHUP)"))
    }

    /// Two processes on one state file would both act on every event: the second one stops.
    @Test func aSecondRunOnTheSameStateFileStopsWithAReason() throws {
        let directory = try temporaryDirectory(["general.yaml": "rules:\n  - id: faq\n    on: message\n    actions: [{ send: 在 }]\n"])
        let state = directory + "/state.sqlite"
        let first = Process()
        first.executableURL = URL(fileURLWithPath: Self.binary)
        first.arguments = ["run", "--rules", directory, "--state", state]
        let stdin = Pipe(), stdout = Pipe()
        first.standardInput = stdin
        first.standardOutput = stdout
        first.standardError = Pipe()
        try first.run()
        defer { first.terminate() }
        // Once it answers, it holds the file.
        stdin.fileHandleForWriting.write(Data(#"{"type":"message","id":"m1","ts":1795137301,"group":"g1","user":"u1","text":"在吗"}"#.utf8 + [10]))
        #expect(String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self).contains("m1:faq:0"))
        let second = try groupbot(["run", "--rules", directory, "--state", state])
        #expect(second.status == 1)
        #expect(second.errors.contains("another groupbot (run or serve, pid \(first.processIdentifier)) is using it"))
        #expect(second.output.isEmpty)
        try stdin.fileHandleForWriting.close()
        first.waitUntilExit()
        // The first one has stopped: the file is free again.
        #expect(try groupbot(["run", "--rules", directory, "--state", state]).status == 0)
    }

    @Test func replayUntilLetsSchedulesRunAfterTheLastEvent() throws {
        let plain = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules"]).output
        let longer = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules", "--until", "2026-11-23T12:00:00+08:00"]).output
        #expect(longer.hasPrefix(plain))
        let extra = longer.dropFirst(plain.count).split(separator: "\n")
        #expect(extra.contains { $0.contains(#""cause":"product-of-the-day@2026-11-23T09:00:00+08:00""#) })
        #expect(try groupbot(["replay", "examples/demo.jsonl", "--until", "tomorrow"]).status == 64)
    }

    @Test func replayStatsPrintsDailyFigures() throws {
        let outcome = try groupbot(["replay", "examples/demo.jsonl", "--rules", "rules", "--stats", "--format", "json"])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains(#""day":"2026-11-18","deleted""#) || outcome.output.contains(#""day":"2026-11-18""#))
        #expect(outcome.output.contains(#""group":"g-fans-01""#))
    }

    @Test func runWithBrokenRulesExitsBeforeReadingInput() throws {
        let directory = try temporaryDirectory(["general.yaml": "rules: [\n"])
        let outcome = try groupbot(["run", "--rules", directory, "--state", "memory"], input: "{}\n")
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains("general.yaml:2:1: not valid YAML"))
        #expect(outcome.output.isEmpty)
    }

    /// On the wall clock, a delayed action fires while stdin stays open and silent,
    /// and the immediate action is flushed before any more input arrives.
    @Test func liveRunFlushesAtOnceAndFiresTimersWithoutNewEvents() throws {
        let directory = try temporaryDirectory(["general.yaml": """
            rules:
              - id: welcome
                on: join
                actions:
                  - send: "欢迎 {nick}"
                  - send: 请看群公告
                    after: 1s
            """])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--rules", directory, "--state", "memory"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        defer { process.terminate() }
        stdin.fileHandleForWriting.write(Data(#"{"type":"join","id":"j1","ts":1795137301,"group":"g1","user":"u1","nick":"小美"}"#.utf8 + [10]))
        let reader = stdout.fileHandleForReading
        var received = ""
        let deadline = Date().addingTimeInterval(20)
        while received.components(separatedBy: "\n").count < 3, Date() < deadline {
            let data = reader.availableData
            if data.isEmpty { break }
            received += String(decoding: data, as: UTF8.self)
        }
        let lines = received.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("欢迎 小美") == true)
        #expect(lines.last?.contains(#""id":"j1:welcome:1""#) == true)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}

/// Restart safety: a real `groupbot run` killed with SIGKILL at random points and
/// restarted on the same state file, with the whole log re-delivered each time,
/// emits the same set of actions as an uninterrupted run, each at most twice.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func killedAndRestartedRunsLoseNothingAndRepeatLittle() throws {
        let log = try String(contentsOfFile: Paths.examples + "/demo.jsonl", encoding: .utf8)
        let lines = log.split(separator: "\n").map { String($0) + "\n" }
        let state = NSTemporaryDirectory() + "groupbot-crash-\(UUID().uuidString).sqlite"
        let uninterrupted = try run(lines: lines[...], state: "memory", kill: nil)
        var generator = SplitMix(seed: 7)
        var collected: [String] = []
        for _ in 0..<8 {
            let count = Int(generator.next() % UInt64(lines.count))
            let delay = Double(generator.next() % 120) / 1000
            collected += try run(lines: lines[..<count], state: state, kill: delay)
        }
        collected += try run(lines: lines[...], state: state, kill: nil)
        let counts = Dictionary(collected.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(Set(collected) == Set(uninterrupted))
        #expect(counts.values.allSatisfy { $0 <= 2 })
        #expect(!uninterrupted.isEmpty)
    }

    /// Feeds `lines` to `groupbot run`; with `kill`, sends SIGKILL after that many seconds.
    private func run(lines: ArraySlice<String>, state: String, kill delay: Double?) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = ["run", "--rules", Paths.rules, "--clock", "events", "--flush", "line", "--state", state,
                             "--no-reload"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(lines.joined().utf8))
        if let delay {
            Thread.sleep(forTimeInterval: delay)
            Foundation.kill(process.processIdentifier, SIGKILL)
        } else {
            try stdin.fileHandleForWriting.close()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if delay != nil { try? stdin.fileHandleForWriting.close() }
        // A line cut short by the kill is no action (a consumer drops it); keep whole lines only.
        return String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init).filter { $0.hasSuffix("}") }
    }
}
