/// The members' recent texts (the memory of the `repeated` condition) in a compact
/// binary form, kept apart from the rest of a snapshot.
///
/// On a busy server they are nearly all of a snapshot's size: up to 64 sightings per
/// member and group. Encoding them as JSON builds a large tree for a moment; as bytes
/// they are written in one pass into one buffer.
///
/// Layout, little-endian: the marker `0xFFFFFFFF` and the version `2` (two `UInt32`s);
/// a `UInt32` count of lists; per list a `UInt32` key length, the key's UTF-8 bytes, a
/// `UInt32` count of sightings, and per sighting the time (`Int64` milliseconds), the
/// fingerprint (`UInt64`) and the group's hash (`UInt32`). Version 1, written before
/// groups were kept, has no marker and no group hash; it is still read.
extension EngineSnapshot {
    /// Removes the recent texts from the snapshot and returns them as bytes.
    package mutating func takeRecentTexts() -> [UInt8] {
        let lists = Dictionary(state.recentTexts.lists.map { ($0.key.stored, $0.value) }, uniquingKeysWith: { $1 })
        state.recentTexts.lists = [:]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 + lists.reduce(0) { $0 + 8 + $1.key.utf8.count + $1.value.count * 20 })
        Self.append(Self.versionMarker, to: &bytes)
        Self.append(UInt32(2), to: &bytes)
        Self.append(UInt32(lists.count), to: &bytes)
        for (key, sightings) in lists.sorted(by: { $0.key < $1.key }) {
            Self.append(UInt32(key.utf8.count), to: &bytes)
            bytes.append(contentsOf: key.utf8)
            Self.append(UInt32(sightings.count), to: &bytes)
            for sighting in sightings {
                Self.append(UInt64(bitPattern: sighting.time.milliseconds), to: &bytes)
                Self.append(sighting.fingerprint, to: &bytes)
                Self.append(sighting.group, to: &bytes)
            }
        }
        return bytes
    }

    /// Puts recent texts taken by ``takeRecentTexts()`` back; damaged bytes throw.
    package mutating func putRecentTexts(_ bytes: [UInt8]) throws(SnapshotTextsError) {
        var reader = ByteReader(bytes: bytes)
        var lists: [RepeatScope: [TextSighting]] = [:]
        var listCount = try reader.uint32()
        var version: UInt32 = 1
        if listCount == Self.versionMarker {
            version = try reader.uint32()
            guard version == 2 else { throw SnapshotTextsError(offset: reader.offset) }
            listCount = try reader.uint32()
        }
        let sightingSize = version == 2 ? 20 : 16
        for _ in 0..<listCount {
            let stored = String(decoding: try reader.bytes(Int(try reader.uint32())), as: UTF8.self)
            let count = Int(try reader.uint32())
            guard count <= reader.remaining / sightingSize else { throw SnapshotTextsError(offset: reader.offset) }
            var sightings: [TextSighting] = []
            sightings.reserveCapacity(count)
            for _ in 0..<count {
                let time = Int64(bitPattern: try reader.uint64())
                let fingerprint = try reader.uint64()
                let group = version == 2 ? try reader.uint32() : 0
                sightings.append(TextSighting(time: Instant(milliseconds: time), fingerprint: fingerprint, group: group))
            }
            if let scope = RepeatScope(stored: stored) { lists[scope] = sightings }
        }
        guard reader.remaining == 0 else { throw SnapshotTextsError(offset: reader.offset) }
        state.recentTexts.lists.merge(lists) { _, new in new }
    }

    /// Where a list count would be, the marker of a versioned layout (no snapshot has that many lists).
    private static let versionMarker: UInt32 = 0xFFFF_FFFF

    private static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Recent texts of a snapshot that cannot be read back.
package struct SnapshotTextsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the bytes stopped making sense.
    package let offset: Int

    package var description: String { "the snapshot's recent texts are damaged at byte \(offset)" }
}

/// Reads the fixed-width little-endian integers of ``EngineSnapshot/takeRecentTexts()``.
private struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    mutating func bytes(_ count: Int) throws(SnapshotTextsError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw SnapshotTextsError(offset: offset) }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func uint32() throws(SnapshotTextsError) -> UInt32 {
        let slice = try bytes(4)
        return slice.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64() throws(SnapshotTextsError) -> UInt64 {
        let slice = try bytes(8)
        return slice.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
