import GroupbotCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes to a file descriptor (stdout, stderr), retrying short writes.
package final class FileOutput {
    private let descriptor: Int32
    /// Pending bytes; callers append and then ``flush()``. Unchecked exclusivity:
    /// the stream belongs to one task, and this is touched for every action written.
    @exclusivity(unchecked) package var buffer: [UInt8] = []

    /// Creates a stream over `descriptor`.
    package init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    /// Standard output.
    package static func standardOutput() -> FileOutput { FileOutput(descriptor: 1) }
    /// Standard error.
    package static func standardError() -> FileOutput { FileOutput(descriptor: 2) }

    /// Writes a line of text and flushes (for diagnostics).
    package func writeLine(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        flush()
    }

    /// Writes out everything buffered.
    package func flush() {
        var offset = 0
        buffer.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    // Any other failure means nothing more can be delivered. (A reader that
                    // went away usually ends the process by SIGPIPE first, as with any Unix filter.)
                    buffer.removeAll(keepingCapacity: true)
                    return
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads a file descriptor in chunks, waiting at most a given time for data.
package final class FileInput {
    private let descriptor: Int32
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    /// What a read produced.
    package enum ReadResult {
        case data(Int)
        case timedOut
        case endOfInput
    }

    /// Creates a stream over `descriptor`.
    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Opens a file for reading; nil if it cannot be opened.
    package convenience init?(path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        self.init(descriptor: descriptor)
    }

    /// Standard input.
    package static func standardInput() -> FileInput { FileInput(descriptor: 0) }

    /// Whether a read now would not wait: more data, or the end of the input, is there.
    package var hasMoreReady: Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, 0) > 0
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) for data, then reads what is there
    /// and passes it to `body`.
    package func read(timeoutMilliseconds: Int32, _ body: (UnsafeRawBufferPointer) -> Void) -> ReadResult {
        if timeoutMilliseconds >= 0 {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, timeoutMilliseconds)
            if ready == 0 { return .timedOut }
            if ready < 0 { return errno == EINTR ? .timedOut : .endOfInput }
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return .endOfInput }
            chunk.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            return .data(count)
        }
    }
}
