/// One flow's memory: a value inside ``EngineState``, saved in snapshots under keys of
/// its own (in the snapshot's `community` object) and pruned now and then.
///
/// A flow owns its state and the typed keys it is filed under; the engine never copies
/// it field by field. Adding a flow adds its state here (one stored property and one
/// line in ``EngineState/flows``) and its behaviour in the flow's own file
/// (`Flows/QuietGroups.swift` is the smallest example).
protocol FlowState: Sendable {
    /// The state of a flow that has seen nothing.
    init()
    /// Reads the flow's keys from a snapshot; a snapshot written before the flow
    /// existed lacks them, and then the flow starts empty.
    init(from stored: StoredFlows) throws
    /// Writes the flow's keys into a snapshot.
    func encode(to stored: inout StoredFlowsEncoder) throws
    /// Forgets what can no longer matter (called about once an hour of engine time).
    mutating func prune(_ context: PruneContext)
}

extension FlowState {
    mutating func prune(_ context: PruneContext) {}
}

/// What pruning may ask: the engine's now, and whether a delayed action is still waiting.
struct PruneContext {
    let now: Instant
    let isLive: (UInt64) -> Bool

    /// A day in milliseconds.
    static let day: Int64 = 86_400_000
}

/// A key of the snapshot's `community` object: any name a flow chooses.
struct FlowKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

typealias StoredFlows = KeyedDecodingContainer<FlowKey>
typealias StoredFlowsEncoder = KeyedEncodingContainer<FlowKey>

extension KeyedDecodingContainer where Key == FlowKey {
    /// The value stored under `name`, or `fallback` when a snapshot predates it.
    func value<Value: Decodable>(_ name: String, or fallback: Value) throws -> Value {
        try decodeIfPresent(Value.self, forKey: FlowKey(stringValue: name)) ?? fallback
    }

    /// A table stored with string keys (the form snapshots have always used), read back
    /// under typed keys; entries whose key no longer parses are dropped.
    func table<Key: Hashable, Value: Decodable>(_ name: String, key: (String) -> Key?) throws -> [Key: Value] {
        let stored: [String: Value] = try value(name, or: [:])
        return Dictionary(stored.compactMap { text, value in key(text).map { ($0, value) } }, uniquingKeysWith: { $1 })
    }
}

extension KeyedEncodingContainer where K == FlowKey {
    mutating func put<Value: Encodable>(_ value: Value, _ name: String) throws {
        try encode(value, forKey: FlowKey(stringValue: name))
    }

    /// Writes a typed-key table in its stored string form.
    mutating func putTable<Key: Hashable, Value: Encodable>(_ table: [Key: Value], _ name: String, key: (Key) -> String) throws {
        try put(Dictionary(table.map { (key($0.key), $0.value) }, uniquingKeysWith: { $1 }), name)
    }
}

/// The part of ``EngineState`` one flow owns, so the snapshot coding and pruning are
/// written once for all flows.
protocol FlowSlot {
    func decode(_ stored: StoredFlows, into state: inout EngineState) throws
    func encode(_ state: EngineState, to stored: inout StoredFlowsEncoder) throws
    func prune(_ state: inout EngineState, _ context: PruneContext)
}

/// The flow state at `path`.
struct Slot<State: FlowState>: FlowSlot {
    let path: WritableKeyPath<EngineState, State>

    init(_ path: WritableKeyPath<EngineState, State>) { self.path = path }

    func decode(_ stored: StoredFlows, into state: inout EngineState) throws {
        state[keyPath: path] = try State(from: stored)
    }

    func encode(_ state: EngineState, to stored: inout StoredFlowsEncoder) throws {
        try state[keyPath: path].encode(to: &stored)
    }

    func prune(_ state: inout EngineState, _ context: PruneContext) {
        state[keyPath: path].prune(context)
    }
}
