import Foundation
import GroupbotCore
import GroupbotServer
import GroupbotStore
import GroupbotTransports
import Testing

/// `serve` marks actions as emitted only once they are out of its hands (the response
/// written, or the delivery ledger holding them): a crash before that delivers them
/// again after the restart instead of losing them.
@Suite struct EmittedMarkTests {
    func event(_ id: String, _ text: String) throws -> Event {
        try EventDecoder.decode(line: ServerFixture.message(id, text))
    }

    func host(_ path: String) throws -> EngineHost {
        EngineHost(book: try ServerFixture.book(), store: try SQLiteStore(path: path), reloadFrom: nil, logger: ServerFixture.logger)
    }

    @Test func actionsCommittedButNotHandedOffComeBackAfterACrash() async throws {
        let path = ServerFixture.temporaryPath()
        let first = try host(path)
        _ = try await first.recover()
        await first.handedOff()
        let handled = await first.handle([try event("m1", "价格")])
        #expect(handled.actions.map(\.rule) == ["price"])
        // The process dies here: the response was never written, nothing was handed off.
        let second = try host(path)
        let recovered = try await second.recover()
        #expect(recovered.map(\.id) == handled.actions.map(\.id))
    }

    @Test func actionsHandedOffAreNotDeliveredAgain() async throws {
        let path = ServerFixture.temporaryPath()
        let first = try host(path)
        _ = try await first.recover()
        await first.handedOff()
        _ = await first.handle([try event("m1", "价格")])
        await first.handedOff()
        let second = try host(path)
        #expect(try await second.recover().isEmpty)
    }

    @Test func anotherRequestsHandOffDoesNotMarkARequestStillInFlight() async throws {
        let path = ServerFixture.temporaryPath()
        let first = try host(path)
        _ = try await first.recover()
        await first.handedOff()
        let eventA = try event("a1", "价格"), eventB = try event("b1", "价格")
        async let a = first.handle([eventA])
        async let b = first.handle([eventB])
        let (handledA, handledB) = await (a, b)
        await first.handedOff()  // one of the two responses is written; the other is not
        let second = try host(path)
        let recovered = try await second.recover().map(\.id)
        #expect(!recovered.isEmpty)
        #expect(Set(recovered).isSubset(of: Set((handledA.actions + handledB.actions).map(\.id))))
    }
}
