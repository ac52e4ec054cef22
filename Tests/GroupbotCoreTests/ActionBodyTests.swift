import Foundation
@testable import GroupbotCore
import Testing

/// An action's body has exactly the fields of its kind; the flat fields of the wire
/// format and the stored forms are read from it, and rebuilt only when complete.
@Suite struct ActionBodyTests {
    static let bodies: [Action.Body] = [
        .send(text: "你好", replyTo: "m1", mention: "u1"), .send(text: "早安"), .dm(user: "u1", text: "私信"),
        .delete(message: "m1", user: "u1"), .mute(user: "u1", seconds: 600), .unmute(user: "u1"), .kick(user: "u1"),
        .approve(user: "u1"), .reject(user: "u1", reason: "请附订单号"), .reject(user: "u1"),
        .notify(text: "通知", about: "u1"), .notify(text: "群很安静"),
    ]

    @Test(arguments: bodies)
    func theFlatFieldsDescribeTheBodyAgain(body: Action.Body) throws {
        let action = Action(id: "a", group: "g1", body: body, rule: "r", cause: "c", due: Instant(seconds: 1), utcOffsetSeconds: 0)
        let rebuilt = Action.Body(kind: action.kind, user: action.user, text: action.text, replyTo: action.replyTo,
                                  mention: action.mention, message: action.message, seconds: action.seconds)
        #expect(rebuilt == body)
        let decoded = try JSONDecoder().decode(Action.self, from: JSONEncoder().encode(action))
        #expect(decoded == action)
    }

    @Test func aKindWithoutTheFieldsItNeedsIsRefused() throws {
        #expect(Action.Body(kind: .mute, user: "u1", text: nil, replyTo: nil, mention: nil, message: nil, seconds: nil) == nil)
        #expect(Action.Body(kind: .dm, user: nil, text: "hi", replyTo: nil, mention: nil, message: nil, seconds: nil) == nil)
        #expect(Action.Body(kind: .delete, user: "u1", text: nil, replyTo: nil, mention: nil, message: nil, seconds: nil) == nil)
        let mute = #"{"id":"a","kind":"mute","group":"g1","user":"u1","rule":"r","cause":"c","due":{"milliseconds":0},"utcOffsetSeconds":0}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Action.self, from: Data(mute.utf8)) }
    }

    @Test func aScheduledPostAddressesNoMemberAndACommandTheMemberItNames() {
        #expect(Action.Body.send(text: "t", replyTo: "m", mention: "u").withoutMember == .send(text: "t"))
        #expect(Action.Body.notify(text: "t", about: "u").withoutMember == .notify(text: "t"))
        #expect(Action.Body.unmute(user: "admin").addressed(to: "u2") == .unmute(user: "u2"))
        #expect(Action.Body.notify(text: "t", about: "admin").addressed(to: "u2") == .notify(text: "t", about: "u2"))
    }
}
