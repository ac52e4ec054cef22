import Foundation

/// Sets of id hashes (``StableHash/of(id:)``) as blobs of 8-byte big-endian values: the
/// `processed` batches, and the active members of a group's day (one row per group and
/// day instead of one per member, written sorted so the same set gives the same bytes;
/// the count is the blob's length divided by 8).
enum HashBlob {
    static func encode(_ hashes: some Sequence<UInt64>) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hashes.underestimatedCount * 8)
        for hash in hashes { withUnsafeBytes(of: hash.bigEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes)
    }

    /// Adds the hashes of `blob` to `set` (a trailing partial value is ignored).
    static func decode(_ blob: Data, into set: inout Set<UInt64>) {
        var offset = blob.startIndex
        while offset + 8 <= blob.endIndex {
            set.insert(blob[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) })
            offset += 8
        }
    }

    /// The hashes of one blob.
    static func decode(_ blob: Data) -> Set<UInt64> {
        var set = Set<UInt64>(minimumCapacity: blob.count / 8)
        decode(blob, into: &set)
        return set
    }
}
