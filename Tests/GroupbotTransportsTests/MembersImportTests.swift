import Foundation
import Testing

/// `groupbot members import`: a member list taught to the state file, bad rows reported.
extension CommandLineTests {
    @Test func membersImportTeachesMembershipsToTheNextRun() throws {
        let directory = try temporaryDirectory([
            "members.csv": "group,user,nick,role\ng-fans-01,u-old-1,西安-老王-鱼油,member\ng-fans-01,,无名,member\ng-fans-01,u-old-2,管理,boss\n",
        ])
        let state = directory + "/state.sqlite"
        let imported = try groupbot(["members", "import", directory + "/members.csv", "--rules", "rules", "--state", state])
        #expect(imported.status == 0)
        #expect(imported.errors.contains("members.csv:3: missing user"))
        #expect(imported.errors.contains("members.csv:4: role 'boss'; expected one of owner, admin, member"))
        #expect(imported.errors.contains("imported 1 member line(s) of 1 group(s) into \(state); 2 line(s) skipped"))
        // The listed member joins a second fan group: "one general group per member" fires.
        let join = #"{"type":"join","id":"j1","ts":"2026-12-07T10:00:00+08:00","group":"g-fans-02","group_name":"鱼油粉丝福利2群","user":"u-old-1","nick":"西安-老王-鱼油"}"#
        let run = try groupbot(["run", "--rules", "rules", "--clock", "events", "--state", state], input: join + "\n")
        #expect(run.status == 0)
        #expect(run.output.contains(#""id":"j1:one-general-group:0","action":"dm""#))
        // Without the import, the same join is only welcomed.
        let fresh = try groupbot(["run", "--rules", "rules", "--clock", "events", "--state", "memory"], input: join + "\n")
        #expect(!fresh.output.contains("one-general-group"))
    }

    @Test func membersImportReadsJSONLinesAndRefusesOtherEvents() throws {
        let directory = try temporaryDirectory([
            "members.jsonl": """
                {"group":"g-fans-01","user":10086,"nick":"老客户"}
                {"type":"message","group":"g-fans-01","user":"u2","text":"hi"}
                not json

                """,
        ])
        let outcome = try groupbot(["members", "import", directory + "/members.jsonl", "--rules", "rules",
                                    "--state", directory + "/s.sqlite"])
        #expect(outcome.status == 0)
        #expect(outcome.errors.contains("members.jsonl:2: a 'message' event; a member list holds members only"))
        #expect(outcome.errors.contains("members.jsonl:3: not a JSON object"))
        #expect(outcome.errors.contains("imported 1 member line(s) of 1 group(s)"))
    }
}

/// `check --dialect onebot`: what QQ can never deliver is said before going live.
extension CommandLineTests {
    @Test func checkWarnsAboutRedPacketsOnOneBot() throws {
        let plain = try groupbot(["check", "rules"])
        #expect(!plain.errors.contains("red_packet"))
        let onebot = try groupbot(["check", "rules", "--dialect", "onebot"])
        #expect(onebot.status == 0)
        let base = try String(contentsOfFile: Paths.rules + "/base.yaml", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(base.firstIndex { $0.hasSuffix("- id: red-packet-thanks") }) + 1
        #expect(onebot.errors.contains("warning: rules/base.yaml:\(line):5: rule 'red-packet-thanks' (types ads, general, regional, vip) needs kind red_packet"))
        #expect(onebot.errors.contains("warning: type general: its ad slot asks for a red packet first"))
        #expect(try groupbot(["check", "rules", "--dialect", "onebot", "--strict"]).status == 1)
    }
}
