/// Splits a byte stream into lines, counting them, without ever holding more
/// than one over-long line's worth of memory: a line longer than the limit is
/// reported as such and skipped.
///
/// Lines that lie whole inside a chunk are handed out in place, without a
/// copy; only a line split across chunks is gathered first.
package struct LineSplitter {
    /// A line (its bytes are valid only during the callback), or a line that was too long to keep.
    package enum Item {
        case line(number: Int, bytes: UnsafeBufferPointer<UInt8>)
        case tooLong(number: Int, length: Int)
    }

    /// The longest line kept, in bytes.
    package let maximumLineLength: Int
    private var pending: [UInt8] = []
    private var skipping = false
    private var skippedLength = 0
    private var lineNumber = 0

    /// Creates a splitter; 16 MiB is far beyond any chat message.
    package init(maximumLineLength: Int = 16 << 20) {
        self.maximumLineLength = maximumLineLength
    }

    /// Feeds `chunk` and calls `body` for every line it completes.
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (Item) -> Void) {
        var start = 0
        let bytes = chunk.bindMemory(to: UInt8.self)
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                append(UnsafeBufferPointer(rebasing: bytes[start...]), body)
                return
            }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<newline])
            if pending.isEmpty && !skipping && line.count <= maximumLineLength {
                lineNumber += 1
                body(.line(number: lineNumber, bytes: Self.droppingCarriageReturn(line)))
            } else {
                append(line, body)
                finishLine(body)
            }
            start = newline + 1
        }
    }

    /// Ends the stream: a last line without a newline still counts.
    package mutating func finish(_ body: (Item) -> Void) {
        if !pending.isEmpty || skipping { finishLine(body) }
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Item) -> Void) {
        if skipping {
            skippedLength += bytes.count
            return
        }
        if pending.count + bytes.count > maximumLineLength {
            skipping = true
            skippedLength = pending.count + bytes.count
            pending.removeAll(keepingCapacity: false)
            return
        }
        pending.append(contentsOf: bytes)
    }

    private mutating func finishLine(_ body: (Item) -> Void) {
        lineNumber += 1
        if skipping {
            body(.tooLong(number: lineNumber, length: skippedLength))
            skipping = false
            skippedLength = 0
        } else {
            pending.withUnsafeBufferPointer { body(.line(number: lineNumber, bytes: Self.droppingCarriageReturn($0))) }
        }
        pending.removeAll(keepingCapacity: true)
    }

    private static func droppingCarriageReturn(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let last = line.last, last == UInt8(ascii: "\r") else { return line }
        return UnsafeBufferPointer(rebasing: line.dropLast())
    }
}
