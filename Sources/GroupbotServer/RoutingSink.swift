import GroupbotCore
import GroupbotRuntime
import GroupbotWire

/// Hands each action to the request whose event caused it; the rest (timers that
/// fell due, recovered actions) wait as "unclaimed" for the outbound channels.
///
/// Needed because several requests share one commit (see ``EngineHost``): the pipeline
/// delivers a whole batch at once, and each request must answer with its own actions.
final class RoutingSink: ActionSink {
    private var owners: [String: Int] = [:]
    private var buckets: [Int: [Action]] = [:]
    private var unclaimed: [Action] = []
    private var nextTicket = 0

    /// Starts collecting for a request with these event ids; returns its ticket. An id
    /// already claimed by a request in flight stays with it (the repeat is a duplicate).
    func open(eventIDs: [String]) -> Int {
        let ticket = nextTicket
        nextTicket += 1
        for id in eventIDs where owners[id] == nil { owners[id] = ticket }
        buckets[ticket] = []
        return ticket
    }

    func deliver(_ actions: [Action]) {
        for action in actions {
            if let ticket = owners[action.cause] {
                buckets[ticket, default: []].append(action)
            } else {
                unclaimed.append(action)
            }
        }
    }

    func flush() {}

    /// The actions of a request's events, and the end of its collection.
    func close(ticket: Int, eventIDs: [String]) -> [Action] {
        for id in eventIDs where owners[id] == ticket { owners[id] = nil }
        return buckets.removeValue(forKey: ticket) ?? []
    }

    /// The actions no request claimed, forgetting them.
    func drainUnclaimed() -> [Action] {
        defer { unclaimed.removeAll(keepingCapacity: true) }
        return unclaimed
    }
}
