import CZlib
import Foundation

/// The audit log's batches, deflated (zlib, fastest level): a batch of actions repeats its
/// rule names, reply texts and ids, and takes about a third of the room deflated — the part
/// of a state file that grows with the days kept (`--keep-days`).
///
/// A deflated batch is marked by a first byte 0, which never starts a plain batch of actions
/// (that starts with the length of its first record, and an action's record is never empty),
/// so rows written before deflating, or by a store that does not deflate, read as they always did.
enum Deflate {
    static let marker: UInt8 = 0

    /// `bytes` deflated behind the marker and their length.
    static func pack(_ bytes: [UInt8]) -> Data {
        var stream = z_stream()
        guard deflateInit_(&stream, Z_BEST_SPEED, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return Data(bytes)  // zlib out of memory: kept plain, which reads the same
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: 1 + 10 + Int(deflateBound(&stream, uLong(bytes.count))))
        output[0] = marker
        var header = 1
        var length = UInt64(bytes.count)
        repeat {
            output[header] = UInt8(length & 0x7F) | (length > 0x7F ? 0x80 : 0)
            length >>= 7
            header += 1
        } while length != 0
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress! + header
                stream.avail_out = uInt(out.count - header)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return Data(bytes) }
        return Data(output[0..<(header + Int(stream.total_out))])
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
        guard length > 0 else { return [] }
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw RecordCoding.Corrupt() }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: length)
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + index)
                stream.avail_in = uInt(input.count - index)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == length else { throw RecordCoding.Corrupt() }
        return output
    }
}
