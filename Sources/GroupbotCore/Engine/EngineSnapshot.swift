/// Everything an engine remembers, as one value that can be saved and loaded: the
/// engine's ``EngineState`` with the version of its layout.
///
/// A durable store encodes snapshots (it owns the I/O and the encoding); the rules
/// themselves are not part of a snapshot.
package struct EngineSnapshot: Codable, Sendable {
    /// Bumped when the layout changes; a store refuses snapshots from a newer version.
    /// The flows' states moved into values of their own without changing the layout:
    /// each writes the keys it always had.
    package static let currentVersion = 1

    package var version: Int
    var state: EngineState

    init(version: Int = currentVersion, state: EngineState) {
        self.version = version
        self.state = state
    }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: EngineState.StoredKey.self)
        version = try values.decode(Int.self, forKey: .version)
        state = try EngineState(from: values)
    }

    package func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: EngineState.StoredKey.self)
        try values.encode(version, forKey: .version)
        try state.encode(to: &values)
    }
}

extension Engine {
    /// The engine's state now: a value of its own (its collections are shared copy-on-write
    /// until the engine changes them), so it can be encoded on another thread.
    package func snapshot() -> EngineSnapshot {
        EngineSnapshot(state: state)
    }

    /// Takes over a saved state. Groups are mapped with the current rules; schedules
    /// of rules that changed meanwhile restart from the clock's now.
    package func restore(_ snapshot: EngineSnapshot) {
        state = snapshot.state
        state.groups.rebind(to: book)
        // Schedule timers point at rules by position, which the current rules may have moved:
        // drop them (a new generation) and start the schedules again from now.
        state.schedules.generation += 1
        state.schedules.started = false
    }
}
