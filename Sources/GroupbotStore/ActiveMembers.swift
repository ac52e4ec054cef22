import Foundation

/// The members active in a group on a day, kept as one row: the sorted 8-byte hashes of
/// their ids. One row per group and day is written per snapshot instead of one per member,
/// and the count is the blob's length divided by 8.
enum ActiveMembers {
    static func blob(_ hashes: Set<UInt64>) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hashes.count * 8)
        for hash in hashes.sorted() { withUnsafeBytes(of: hash.bigEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes)
    }

    static func hashes(_ blob: Data) -> Set<UInt64> {
        var result = Set<UInt64>(minimumCapacity: blob.count / 8)
        var offset = blob.startIndex
        while offset + 8 <= blob.endIndex {
            result.insert(blob[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) })
            offset += 8
        }
        return result
    }
}
