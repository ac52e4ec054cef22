import CompressNIO
import Foundation
import NIOCore

/// Rows kept deflated (CompressNIO's raw deflate, fastest level): the audit log's batches (a
/// batch of actions repeats its rule names, reply texts and ids, and takes about a quarter of
/// the room deflated — the part of a state file that grows with the days kept, `--keep-days`)
/// and a snapshot's JSON (``SnapshotCoding``).
///
/// Deflated bytes are the marker byte 0, the plain length as a varint, then the deflated
/// bytes. Neither a plain batch of actions (it starts with the length of its first record, and
/// an action's record is never empty) nor JSON starts with 0, so rows written before
/// deflating, or by a store that does not deflate, read as they always did.
enum Deflate {
    static let marker: UInt8 = 0
    private static let algorithm = CompressionAlgorithm.deflate(configuration: .init(compressionLevel: 1))

    /// `bytes` deflated behind the marker and their length (plain if zlib fails: it reads the same).
    static func pack(_ bytes: [UInt8]) -> Data {
        var input = ByteBuffer(bytes: bytes)
        guard let deflated = try? input.compress(with: algorithm) else { return Data(bytes) }
        var output = [marker]
        var length = UInt64(bytes.count)
        repeat {
            output.append(UInt8(length & 0x7F) | (length > 0x7F ? 0x80 : 0))
            length >>= 7
        } while length != 0
        output.append(contentsOf: deflated.readableBytesView)
        return Data(output)
    }

    /// The bytes of a row: inflated when deflated, as they are otherwise.
    static func unpack(_ data: Data) throws -> [UInt8] {
        guard data.first == marker else { return [UInt8](data) }
        let bytes = [UInt8](data)
        var index = 1, length = 0, shift = 0
        while true {
            guard index < bytes.count, shift < 63 else { throw RecordCoding.Corrupt() }
            length |= Int(bytes[index] & 0x7F) << shift
            index += 1
            if bytes[index - 1] & 0x80 == 0 { break }
            shift += 7
        }
        // A damaged length must not ask for more memory than the row could ever inflate to.
        guard length <= (bytes.count - index) * 1032 + 64 else { throw RecordCoding.Corrupt() }
        var input = ByteBuffer(bytes: bytes[index...])
        var output = ByteBufferAllocator().buffer(capacity: length)
        do {
            try input.decompress(to: &output, with: algorithm)
        } catch {
            throw RecordCoding.Corrupt()
        }
        guard output.readableBytes == length else { throw RecordCoding.Corrupt() }
        return Array(output.readableBytesView)
    }
}
