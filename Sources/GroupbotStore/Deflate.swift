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
    ///
    /// Streamed a slice at a time through a small window: deflating the whole input at once
    /// copied it into a `ByteBuffer` and wrote into one sized for the worst case, two more
    /// buffers the size of a snapshot's JSON at the moment a run's memory peaks (heaptrack on
    /// community day 1 with a state file: about 100 MB of that peak).
    static func pack(_ bytes: [UInt8]) -> Data {
        var output = RecordCoding.Writer(bytes: [marker])
        output.integer(UInt64(bytes.count))
        output.bytes.reserveCapacity(output.bytes.count + bytes.count / 3)
        let compressor = algorithm.compressor
        compressor.window = ByteBufferAllocator().buffer(capacity: window)
        do {
            try compressor.startStream()
            var start = bytes.startIndex
            repeat {
                let end = min(start + slice, bytes.endIndex)
                var input = ByteBuffer(bytes: bytes[start..<end])
                try input.compressStream(with: compressor, flush: end == bytes.endIndex ? .finish : .no) { deflated in
                    output.bytes.append(contentsOf: deflated.readableBytesView)
                }
                start = end
            } while start < bytes.endIndex
            try compressor.finishStream()
        } catch {
            return Data(bytes)
        }
        return Data(output.bytes)
    }

    /// How much input is copied into a `ByteBuffer` at a time, and the window deflated bytes go through.
    private static let slice = 1 << 20, window = 1 << 16

    /// The bytes of a row: inflated when deflated, as they are otherwise.
    static func unpack(_ data: Data) throws -> [UInt8] {
        guard data.first == marker else { return [UInt8](data) }
        var reader = RecordCoding.Reader(bytes: [UInt8](data), index: 1)
        // A damaged length must not ask for more memory than the row could ever inflate to.
        guard let length = Int(exactly: try reader.integer()), length <= (data.count - reader.index) * 1032 + 64 else {
            throw RecordCoding.Corrupt()
        }
        var input = ByteBuffer(bytes: reader.bytes[reader.index...])
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
