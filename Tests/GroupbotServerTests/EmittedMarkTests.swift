import Foundation
import GroupbotCore
import GroupbotServer
import GroupbotStore
import GroupbotWire
import Synchronization
import Testing

/// `serve` marks actions as emitted only once they are out of its hands (the response
/// written, or the delivery ledger holding them) and a settle delay has passed: a crash
/// before that delivers them again after the restart instead of losing them.
@Suite struct EmittedMarkTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    let clock = ManualClock()

    func event(_ id: String, _ text: String) throws -> Event {
        try EventDecoder.decode(line: ServerFixture.message(id, text))
    }

    func host(_ path: String) throws -> EngineHost {
        let clock = clock
        return EngineHost(book: try ServerFixture.book(), store: try StateStore(path: path), reloadFrom: nil,
                          logger: ServerFixture.logger, settleDelay: .seconds(2), now: { clock.now() })
    }

    /// A host on a new state file, recovered and settled.
    func started(_ path: String) async throws -> EngineHost {
        let host = try host(path)
        let (_, handOff) = try await host.recover()
        await host.handedOff(handOff)
        return host
    }

    @Test func actionsCommittedButNotHandedOffComeBackAfterACrash() async throws {
        let path = ServerFixture.temporaryPath()
        let first = try await started(path)
        let handled = await first.handle([try event("m1", "价格")])
        #expect(handled.actions.map(\.rule) == ["price"])
        // The process dies here: the response was never written, nothing was handed off.
        let recovered = try await host(path).recover().actions
        #expect(recovered.map(\.id) == handled.actions.map(\.id))
    }

    @Test func actionsHandedOffComeBackUntilTheSettleDelayHasPassed() async throws {
        let path = ServerFixture.temporaryPath()
        let first = try await started(path)
        let handled = await first.handle([try event("m1", "价格")])
        await first.handedOff(handled.handOff)
        // Handed to the network stack a moment ago: maybe not on the wire yet.
        #expect(try await host(path).recover().actions.map(\.id) == handled.actions.map(\.id))
        clock.advance(.seconds(3))
        let (actions, handOff) = await first.tick()
        await first.handedOff(handOff)
        #expect(actions.isEmpty)
        #expect(try await host(path).recover().actions.isEmpty)
    }

    @Test func anotherRequestsHandOffDoesNotMarkARequestStillInFlight() async throws {
        let path = ServerFixture.temporaryPath()
        let first = try await started(path)
        let eventA = try event("a1", "价格"), eventB = try event("b1", "价格")
        async let a = first.handle([eventA])
        async let b = first.handle([eventB])
        let (handledA, handledB) = await (a, b)
        await first.handedOff(handledA.handOff)  // A's response is written; B's is not
        clock.advance(.seconds(3))
        let (_, tick) = await first.tick()
        await first.handedOff(tick)
        let recovered = try await host(path).recover().actions.map(\.id)
        #expect(recovered.contains(try #require(handledB.actions.first?.id)))
        #expect(Set(recovered).isSubset(of: Set((handledA.actions + handledB.actions).map(\.id))))
    }
}
