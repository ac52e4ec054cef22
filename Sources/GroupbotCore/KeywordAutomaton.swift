/// An Aho–Corasick automaton over UTF-8 bytes, compiled to a dense table:
/// one array load per byte of text, whatever the number of keywords.
///
/// Patterns are stored with ASCII letters in lower case and the table maps
/// upper-case bytes to the same transitions, so the scan itself is
/// case-insensitive for Latin letters at no cost; callers that need exact
/// case verify the few candidates it reports (Chinese has no case).
///
/// Built once per rule set; immutable and shareable.
public struct KeywordAutomaton: Sendable {
    /// `transitions[state << 8 | byte]`: the next state, bit-inverted (negative) when that state ends a pattern.
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
        // Breadth first: each state's row is its failure state's row with its own edges on top.
        let stateCount = children.count
        var table = [Int32](repeating: 0, count: stateCount << 8)
        var failure = [Int32](repeating: 0, count: stateCount)
        for (byte, child) in children[0] { table[Int(byte)] = child }
        var queue: [Int32] = children[0].keys.sorted().map { children[0][$0]! }
        var head = 0
        while head < queue.count {
            let state = Int(queue[head])
            head += 1
            let fallback = Int(failure[state])
            ends[state].append(contentsOf: ends[fallback])
            for byte in 0..<256 { table[state << 8 | byte] = table[fallback << 8 | byte] }
            for byte in children[state].keys.sorted() {
                let child = children[state][byte]!
                failure[Int(child)] = table[fallback << 8 | Int(byte)]
                table[state << 8 | Int(byte)] = child
                queue.append(child)
            }
        }
        var outputStart: [Int32] = [0]
        var outputs: [Int32] = []
        for state in 0..<stateCount {
            outputs.append(contentsOf: ends[state].sorted())
            outputStart.append(Int32(outputs.count))
        }
        // Upper-case letters go where lower-case ones go; targets with output are marked.
        for state in 0..<stateCount {
            for upper in 65...90 { table[state << 8 | upper] = table[state << 8 | (upper | 0x20)] }
            for byte in 0..<256 {
                let target = Int(table[state << 8 | byte])
                if outputStart[target] != outputStart[target + 1] { table[state << 8 | byte] = ~Int32(target) }
            }
        }
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
        transitions.withUnsafeBufferPointer { table in
            var state = 0
            for index in 0..<text.count {
                let next = table[state << 8 | Int(text[index])]
                if next >= 0 {
                    state = Int(next)
                    continue
                }
                state = Int(~next)
                let start = Int(outputStart[state]), end = Int(outputStart[state + 1])
                for output in start..<end { body(Int(outputs[output]), index + 1) }
            }
        }
    }
}
