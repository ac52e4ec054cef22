/// An Aho–Corasick automaton over UTF-8 bytes, compiled to a dense table:
/// one array load per byte of text, whatever the number of keywords.
///
/// Patterns are stored with ASCII letters in lower case and the table maps
/// upper-case bytes to the same transitions, so the scan itself is
/// case-insensitive for Latin letters at no cost; callers that need exact
/// case verify the few candidates it reports (Chinese has no case).
///
/// The alphabet is compressed: bytes that occur in no pattern share one
/// class, so a row has one entry per byte class, not 256, and the table stays
/// small enough for the processor's caches.
///
/// Built once per rule set; immutable and shareable.
public struct KeywordAutomaton: Sendable {
    /// The class of each byte value (upper-case letters share their lower-case letter's class).
    private let classOf: [UInt8]
    /// Entries per row.
    private let stride: Int
    /// `transitions[state * stride + class]`: the next state, bit-inverted (negative) when that state ends a pattern.
    private let transitions: [Int32]
    /// Per state, the range `outputStart[s]..<outputStart[s+1]` of the pattern ids ending there.
    private let outputStart: [Int32]
    private let outputs: [Int32]
    /// Byte length of each pattern.
    let lengths: [Int32]
    /// How many patterns the automaton holds (pattern ids are `0..<patternCount`).
    public let patternCount: Int

    /// Builds the automaton. Pattern ids are the indices in `patterns`; empty patterns never match.
    /// Patterns are folded to lower case (ASCII letters) before they are stored.
    public init(patterns: [String]) {
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
        var outputStart: [Int32] = [0]
        var outputs: [Int32] = []
        for state in 0..<stateCount {
            outputs.append(contentsOf: ends[state].sorted())
            outputStart.append(Int32(outputs.count))
        }
        // Targets that end a pattern are marked, so the scan tests one sign bit.
        for entry in table.indices {
            let target = Int(table[entry])
            if outputStart[target] != outputStart[target + 1] { table[entry] = ~Int32(target) }
        }
        self.classOf = classOf
        self.stride = stride
        transitions = table
        self.outputStart = outputStart
        self.outputs = outputs
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte | 0x20 : byte
    }

    /// Calls `body` with the id and end offset (exclusive) of every pattern
    /// occurrence in `text`; a pattern found several times is reported each time.
    public func forEachMatch(in text: UnsafeBufferPointer<UInt8>, _ body: (_ pattern: Int, _ end: Int) -> Void) {
        let stride = stride
        transitions.withUnsafeBufferPointer { table in classOf.withUnsafeBufferPointer { classes in
            var state = 0
            for index in 0..<text.count {
                let next = table[state * stride + Int(classes[Int(text[index])])]
                if next >= 0 {
                    state = Int(next)
                    continue
                }
                state = Int(~next)
                let start = Int(outputStart[state]), end = Int(outputStart[state + 1])
                for output in start..<end { body(Int(outputs[output]), index + 1) }
            }
        } }
    }
}
