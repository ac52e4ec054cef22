import Foundation
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
@testable import GroupbotTelegram
import GroupbotTestSupport
import GroupbotWire
import Testing

/// The real-shaped updates of `Fixtures/` (checked by python-telegram-bot in
/// `Tests/telegram/validate_fixtures.py`) decode to the events `updates.expected.jsonl`
/// names, and the recorded session runs the shipped rules unchanged.
@Suite struct FixtureTests {
    static let fixtures = Repository.root + "/Tests/GroupbotTelegramTests/Fixtures/"

    static func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: fixtures + name, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Roles as `getChatAdministrators` answers them in `platform.json` (what serve's lookup adds).
    static let roles: [String: [String: MemberRole]] = {
        guard let data = FileManager.default.contents(atPath: fixtures + "platform.json"),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let chats = root["chats"] as? [String: [String: Any]] else { return [:] }
        return chats.mapValues { chat in
            var roles: [String: MemberRole] = [:]
            for member in chat["getChatAdministrators"] as? [[String: Any]] ?? [] {
                guard let id = ((member["user"] as? [String: Any])?["id"] as? NSNumber)?.stringValue else { continue }
                roles[id] = (member["status"] as? String) == "creator" ? .owner : .admin
            }
            return roles
        }
    }()

    /// Decodes updates as serve does: decoder, roles, renames, and (`once`) each event id
    /// once, as serve's processed ids keep it (a join comes as a service message and as a
    /// `chat_member` update).
    static func decode(_ updates: [String], once: Bool = true) throws -> [[Event]] {
        var renames = TelegramRenames()
        var seen = Set<String>()
        return try updates.map { line in
            guard case .events(let events) = try TelegramDecoder.decode(Array(line.utf8), options: TelegramOptions()) else { return [] }
            return events.flatMap { event -> [Event] in
                var event = event
                if event.role == .member, event.type != .leave, let role = roles[event.group]?[event.user] { event.role = role }
                return renames.events(for: event)
            }.filter { !once || seen.insert($0.id).inserted }
        }
    }

    @Test func everyCaseDecodesToItsEvents() throws {
        let updates = try Self.lines("updates.jsonl")
        let cases = try Self.lines("updates.cases")
        let expected = try Self.lines("updates.expected.jsonl")
        #expect(updates.count == expected.count && updates.count == cases.count)
        for (index, events) in try Self.decode(updates, once: false).enumerated() where index < expected.count {
            let wanted = try (JSONSerialization.jsonObject(with: Data(expected[index].utf8)) as? [Any] ?? []).map { object in
                try EventDecoder.decode(line: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
            }
            #expect(events == wanted, "line \(index + 1) (\(cases[index]))")
        }
    }

    @Test func theRecordedSessionRunsTheShippedRules() throws {
        let events = try Self.decode(Self.lines("session.jsonl")).flatMap { $0 }
        let expectedEvents = try Self.lines("session.expected-events.jsonl").map { try EventDecoder.decode(line: $0) }
        #expect(events == expectedEvents)
        let book = try RuleBookLoader.load(directory: Repository.root + "/rules")
        let sink = CollectingSink()
        let pipeline = EventPipeline(book: book, clock: .events, sink: sink, report: { Issue.record("\($0)") })
        for event in events { pipeline.handle(event) }
        pipeline.flush()
        let actions = sink.actions.map(ActionEncoder.line(for:))
        #expect(actions == (try Self.lines("session.expected-actions.jsonl")))
        // The flows the dialect must carry, each present.
        for rule in ["welcome-script", "faq-price", "product-of-the-day", "nickname-template", "ad-contact", "flood", "admin-pardon",
                     "join-with-order"] {
            #expect(sink.actions.contains { $0.rule == rule }, "no action of \(rule)")
        }
    }

    @Test func badUpdatesAreRefusedWithTheField() {
        #expect(throws: TelegramDecodingError(reason: "missing required field 'update_id'")) {
            try TelegramDecoder.decode(Array(#"{"message":{}}"#.utf8), options: TelegramOptions())
        }
        #expect(throws: TelegramDecodingError(reason: "missing required field 'message.chat'")) {
            try TelegramDecoder.decode(Array(#"{"update_id":1,"message":{"message_id":1,"date":1}}"#.utf8), options: TelegramOptions())
        }
        #expect(throws: TelegramDecodingError.self) { try TelegramDecoder.decode(Array("[1]".utf8), options: TelegramOptions()) }
        #expect(throws: TelegramDecodingError.self) { try TelegramDecoder.decode(Array("".utf8), options: TelegramOptions()) }
    }

    /// An approved join request's `chat_member` update comes `from` the approving admin, and
    /// a primary link is every admin's: neither is an invitation.
    @Test func approversAndPrimaryLinksInviteNobody() throws {
        func join(_ extra: String, from: Int = 9001) throws -> Event? {
            let update = #"{"update_id":1,"chat_member":{"chat":{"id":-100,"title":"群","type":"supergroup"},"from":{"id":\#(from),"is_bot":false,"first_name":"管理"},"date":1,"old_chat_member":{"status":"left","user":{"id":7,"is_bot":false,"first_name":"新人"}},"new_chat_member":{"status":"member","user":{"id":7,"is_bot":false,"first_name":"新人"}}\#(extra)}}"#
            guard case .events(let events) = try TelegramDecoder.decode(Array(update.utf8), options: TelegramOptions()) else { return nil }
            return events.first
        }
        #expect(try join("")?.inviter == "9001")
        #expect(try join(#","via_join_request":true"#)?.inviter == nil)
        let link = #","invite_link":{"invite_link":"https://t.me/+x","creator":{"id":9002,"is_bot":false,"first_name":"阿杰"},"creates_join_request":false,"is_primary":%@,"is_revoked":false}"#
        #expect(try join(link.replacingOccurrences(of: "%@", with: "false"), from: 7)?.inviter == "9002")
        #expect(try join(link.replacingOccurrences(of: "%@", with: "true"), from: 7)?.inviter == nil)
    }

    @Test func aRenameComesBeforeTheMessageUnderTheNewName() {
        var renames = TelegramRenames()
        let first = Event(type: .message, id: "tg:-1:1", time: Instant(milliseconds: 0), group: "-1", user: "7", nick: "Lily")
        var second = first
        second.id = "tg:-1:2"
        second.nick = "上海-林丽-鱼油"
        #expect(renames.events(for: first) == [first])
        let events = renames.events(for: second)
        #expect(events.map(\.type) == [.rename, .message])
        #expect(events[0].oldNick == "Lily" && events[0].nick == "上海-林丽-鱼油" && events[0].id == "tg:-1:2:rename")
    }
}
