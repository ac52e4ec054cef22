import Foundation
import GroupbotCore

/// How a snapshot of the engine is kept in a `snapshots` row (the state's, or the cluster's):
/// JSON with sorted keys (the same state gives the same bytes; ``SortedJSONEncoder``), and the members' recent texts
/// as bytes beside it, in a column of their own.
enum SnapshotCoding {
    /// The row's `data` and `texts`.
    static func encode(_ snapshot: EngineSnapshot) throws -> (data: Data, texts: Data) {
        var snapshot = snapshot
        let texts = Data(snapshot.takeRecentTexts())
        return (Data(try SortedJSONEncoder.encode(snapshot)), texts)
    }

    /// The snapshot of a row with these columns; one written by a newer groupbot is refused.
    static func decode(_ row: SQLRow, location: String) throws -> EngineSnapshot {
        let version = row.int("version")
        guard version <= EngineSnapshot.currentVersion else {
            throw StoreError(path: location, reason: "the state was written by a newer groupbot (snapshot version \(version))")
        }
        var snapshot = try JSONDecoder().decode(EngineSnapshot.self, from: row.blob("data") ?? Data())
        if let texts = row.blob("texts") { try snapshot.putRecentTexts([UInt8](texts)) }
        return snapshot
    }
}
