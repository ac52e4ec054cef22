import GroupbotCore
import Hummingbird
import Synchronization

/// One request's actions until they are out of the engine's hands: written in the
/// response, or (when the response cannot be written) queued as deliveries. Only then
/// may the engine mark them as emitted (``EngineHost/handedOff(_:)``), so a `kill -9`
/// between the commit and the response loses nothing: the restarted server delivers
/// what was never marked.
final class ResponseHandOff: Sendable {
    private let host: EngineHost
    private let outbound: Outbound
    private let actions: [Action]
    private let handOff: HandOff
    private let settled = Mutex(false)

    init(host: EngineHost, outbound: Outbound, actions: [Action], handOff: HandOff) {
        self.host = host
        self.outbound = outbound
        self.actions = actions
        self.handOff = handOff
    }

    /// A body that writes `bytes`, then settles the hand-off.
    func body(_ bytes: [UInt8]) -> ResponseBody {
        ResponseBody(contentLength: bytes.count) { writer in
            do {
                if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                try await writer.finish(nil)
            } catch {
                await self.settle(written: false)
                throw error
            }
            await self.settle(written: true)
        }
    }

    /// Once: queues the actions when the response was not written, then hands them off.
    func settle(written: Bool) async {
        guard takeSettlement() else { return }
        if !written { outbound.enqueue(actions) }
        await host.handedOff(handOff)
    }

    private func takeSettlement() -> Bool {
        settled.withLock { settled in
            defer { settled = true }
            return !settled
        }
    }

    deinit {
        // The body was never written (the connection closed before the response began).
        guard takeSettlement() else { return }
        let host = host, outbound = outbound, actions = actions, handOff = handOff
        Task {
            outbound.enqueue(actions)
            await host.handedOff(handOff)
        }
    }
}
