/// An Aho–Corasick automaton over UTF-8 bytes, compiled to a dense table:
/// one array load per byte of text, whatever the number of keywords.
///
/// Patterns are stored with ASCII letters in lower case and the table maps
/// upper-case bytes to the same transitions, so the scan itself is
/// case-insensitive for Latin letters at no cost; callers that need exact
/// case verify the few candidates it reports (Chinese has no case).
///
/// The table is laid out for the processor's caches, because the scan is a
/// chain of dependent loads (each byte's row depends on the last one):
/// - the alphabet is compressed: bytes that occur in no pattern share one
///   class, so a row has one entry per byte class, not 256;
/// - rows are numbered breadth first, so the shallow states that most bytes of
///   a text lead to sit together at the front;
/// - an entry is 16 bits while the automaton has fewer than 32,768 states (a
///   few thousand keywords), 32 bits beyond;
/// - rows are a power of two long, so a state's row is a shift away.
///
/// Built once per rule set; immutable and shareable.
package final class KeywordAutomaton: Sendable {
    /// The transitions; an entry is the next state's number shifted left by one,
    /// with the low bit set when that state ends a pattern.
    private enum Table {
        case narrow([UInt16])
        case wide([UInt32])
    }

    /// The class of each byte value (upper-case letters share their lower-case letter's class).
    private let classOf: [UInt8]
    /// log2 of the entries per row.
    private let rowShift: Int
    /// `table[(state << rowShift) + class]`.
    private let table: Table
    /// Per state, the range `outputStart[s]..<outputStart[s+1]` of the pattern ids ending there.
    private let outputStart: [Int32]
    private let outputs: [Int32]
    /// Byte length of each pattern.
    let lengths: [Int32]
    /// How many patterns the automaton holds (pattern ids are `0..<patternCount`).
    package let patternCount: Int

    /// Builds the automaton. Pattern ids are the indices in `patterns`; empty patterns never match.
    /// Patterns are folded to lower case (ASCII letters) before they are stored.
    package init(patterns: [String]) {
        patternCount = patterns.count
        lengths = patterns.map { Int32($0.utf8.count) }
        // Trie first, with dictionary children.
        var children: [[UInt8: Int32]] = [[:]]
        var ends: [[Int32]] = [[]]
        for (id, pattern) in patterns.enumerated() {
            var state: Int32 = 0
            for raw in pattern.utf8 {
                let byte = Self.fold(raw)
                if let next = children[Int(state)][byte] {
                    state = next
                } else {
                    let next = Int32(children.count)
                    children.append([:])
                    ends.append([])
                    children[Int(state)][byte] = next
                    state = next
                }
            }
            if state != 0 { ends[Int(state)].append(Int32(id)) }
        }
        // Byte classes: one per byte used in a pattern, class 0 for all others.
        var classOf = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for node in children {
            for byte in node.keys where classOf[Int(byte)] == 0 && classCount < 256 {
                classOf[Int(byte)] = UInt8(classCount)
                classCount += 1
            }
        }
        // With more than 255 distinct bytes the classes cannot all be told apart; use plain bytes.
        if classCount >= 256 { for byte in 0..<256 { classOf[byte] = UInt8(byte) }; classCount = 256 }
        for upper in 65...90 { classOf[upper] = classOf[upper | 0x20] }
        let stride = classCount
        // Breadth first: each state's row is its failure state's row with its own edges on top.
        let stateCount = children.count
        var table = [Int32](repeating: 0, count: stateCount * stride)
        var failure = [Int32](repeating: 0, count: stateCount)
        for (byte, child) in children[0] { table[Int(classOf[Int(byte)])] = child }
        var queue: [Int32] = children[0].keys.sorted().map { children[0][$0]! }
        var head = 0
        while head < queue.count {
            let state = Int(queue[head])
            head += 1
            let fallback = Int(failure[state])
            ends[state].append(contentsOf: ends[fallback])
            for column in 0..<stride { table[state * stride + column] = table[fallback * stride + column] }
            for byte in children[state].keys.sorted() {
                let child = children[state][byte]!
                let column = Int(classOf[Int(byte)])
                failure[Int(child)] = table[fallback * stride + column]
                table[state * stride + column] = child
                queue.append(child)
            }
        }
        // Renumbered breadth first (the queue's order), rows a power of two long.
        let order = [0] + queue.map(Int.init)
        var position = [Int](repeating: 0, count: stateCount)
        for (new, old) in order.enumerated() { position[old] = new }
        var outputStart: [Int32] = [0]
        var outputs: [Int32] = []
        for old in order {
            outputs.append(contentsOf: ends[old].sorted())
            outputStart.append(Int32(outputs.count))
        }
        var shift = 0
        while 1 << shift < stride { shift += 1 }
        // Written straight in the final width: the build's temporary tables set the peak RSS.
        func entries<Entry: FixedWidthInteger & UnsignedInteger>(_: Entry.Type) -> [Entry] {
            var entries = [Entry](repeating: 0, count: stateCount << shift)
            for (new, old) in order.enumerated() {
                for column in 0..<stride {
                    let target = position[Int(table[old * stride + column])]
                    let endsPattern: Entry = outputStart[target] != outputStart[target + 1] ? 1 : 0
                    entries[new << shift + column] = Entry(target) << 1 | endsPattern
                }
            }
            return entries
        }
        self.classOf = classOf
        self.rowShift = shift
        self.table = stateCount < 1 << 15 ? .narrow(entries(UInt16.self)) : .wide(entries(UInt32.self))
        self.outputStart = outputStart
        self.outputs = outputs
    }

    /// Calls `body` with the id and end offset (exclusive) of every pattern
    /// occurrence in `text`; a pattern found several times is reported each time.
    package func forEachMatch(in text: UnsafeBufferPointer<UInt8>, _ body: (_ pattern: Int, _ end: Int) -> Void) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        classOf.withUnsafeBufferPointer { classes in
            switch table {
            case .narrow(let entries):
                entries.withUnsafeBufferPointer { scan(base, text.count, $0.baseAddress!, classes.baseAddress!, body) }
            case .wide(let entries):
                entries.withUnsafeBufferPointer { scan(base, text.count, $0.baseAddress!, classes.baseAddress!, body) }
            }
        }
    }

    private func scan<Entry: FixedWidthInteger & UnsignedInteger>(
        _ text: UnsafePointer<UInt8>, _ count: Int, _ table: UnsafePointer<Entry>, _ classes: UnsafePointer<UInt8>,
        _ body: (_ pattern: Int, _ end: Int) -> Void
    ) {
        var state = 0
        var index = 0
        while index < count {
            let found = Self.run(text, from: &index, to: count, state: &state, table: table, classes: classes, shift: rowShift)
            guard found else { return }
            for output in Int(outputStart[state])..<Int(outputStart[state + 1]) { body(Int(outputs[output]), index) }
        }
    }

    /// The scan's inner loop: from `index`, follows the table until a state that ends a
    /// pattern (true; `index` is just past its last byte) or the end of the text (false).
    /// Kept apart from the callback so that its few variables stay in registers.
    @inline(__always)
    private static func run<Entry: FixedWidthInteger & UnsignedInteger>(
        _ text: UnsafePointer<UInt8>, from index: inout Int, to count: Int, state: inout Int,
        table: UnsafePointer<Entry>, classes: UnsafePointer<UInt8>, shift: Int
    ) -> Bool {
        var position = index, current = state
        defer { index = position; state = current }
        while position < count {
            let entry = table[current &<< shift &+ Int(classes[Int(text[position])])]
            position &+= 1
            current = Int(truncatingIfNeeded: entry &>> 1)
            if entry & 1 != 0 { return true }
        }
        return false
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte | 0x20 : byte
    }
}
