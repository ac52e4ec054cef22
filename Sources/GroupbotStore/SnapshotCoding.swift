import Foundation
import GroupbotCore

/// How a snapshot of the engine is kept in a `snapshots` row (the state's, or the cluster's):
/// JSON with sorted keys (the same state gives the same bytes; ``SortedJSONEncoder``), deflated
/// (``Deflate``: a fifth of the room, so a state file's snapshot row stays small beside the audit
/// log; JSON never starts with the marker byte, so rows written before read as they are), and
/// the members' recent texts as bytes beside it, in a column of their own.
enum SnapshotCoding {
    /// The row's `data` and `texts`.
    static func encode(_ snapshot: EngineSnapshot) throws -> (data: Data, texts: Data) {
        var snapshot = snapshot
        let texts = Data(snapshot.takeRecentTexts())
        return (Deflate.pack(try SortedJSONEncoder.encode(snapshot)), texts)
    }

    /// The snapshot of a row with these columns; one written by a newer groupbot is refused.
    static func decode(_ row: SQLRow, location: String) throws -> EngineSnapshot {
        let version = row.int("version")
        guard version <= EngineSnapshot.currentVersion else {
            throw StoreError(path: location, reason: "the state was written by a newer groupbot (snapshot version \(version))")
        }
        let data = try Deflate.unpack(row.blob("data") ?? Data())
        var snapshot = try JSONDecoder().decode(EngineSnapshot.self, from: Data(data))
        if let texts = row.blob("texts") { try snapshot.putRecentTexts([UInt8](texts)) }
        return snapshot
    }
}
