/// An Aho–Corasick automaton over UTF-8 bytes: finds every occurrence of any of
/// thousands of keywords in one pass over a text.
///
/// Built once per rule set; immutable and shareable. With `foldASCII`, the
/// patterns are stored with ASCII letters lowercased and the text is folded
/// the same way while scanning, which makes Latin letters case-insensitive
/// without copying the text (Chinese has no case).
public struct KeywordAutomaton: Sendable {
    /// Dense transitions of the root state, one per byte value.
    private let rootTransitions: [Int32]
    /// Per state, the range `edgeStart[s]..<edgeStart[s+1]` of its edges.
    private let edgeStart: [Int32]
    private let edgeBytes: [UInt8]
    private let edgeTargets: [Int32]
    private let failure: [Int32]
    /// Per state, the range `outputStart[s]..<outputStart[s+1]` of the pattern ids ending there.
    private let outputStart: [Int32]
    private let outputs: [Int32]
    /// Whether ASCII letters are compared case-insensitively.
    public let foldASCII: Bool
    /// How many patterns the automaton holds (pattern ids are `0..<patternCount`).
    public let patternCount: Int

    /// Builds the automaton. Pattern ids are the indices in `patterns`; empty patterns never match.
    public init(patterns: [String], foldASCII: Bool) {
        self.foldASCII = foldASCII
        patternCount = patterns.count
        // Trie with dictionary children while building.
        var children: [[UInt8: Int32]] = [[:]]
        var ends: [[Int32]] = [[]]
        for (id, pattern) in patterns.enumerated() {
            var state: Int32 = 0
            for raw in pattern.utf8 {
                let byte = foldASCII ? Self.fold(raw) : raw
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
        // Breadth-first: failure links, and outputs merged along them.
        var failure = [Int32](repeating: 0, count: children.count)
        var queue: [Int32] = children[0].keys.sorted().map { children[0][$0]! }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for byte in children[Int(state)].keys.sorted() {
                let child = children[Int(state)][byte]!
                var fallback = failure[Int(state)]
                while fallback != 0, children[Int(fallback)][byte] == nil {
                    fallback = failure[Int(fallback)]
                }
                let target = children[Int(fallback)][byte] ?? 0
                failure[Int(child)] = target == child ? 0 : target
                ends[Int(child)].append(contentsOf: ends[Int(failure[Int(child)])])
                queue.append(child)
            }
        }
        var root = [Int32](repeating: 0, count: 256)
        for (byte, target) in children[0] { root[Int(byte)] = target }
        var edgeStart: [Int32] = [0]
        var edgeBytes: [UInt8] = []
        var edgeTargets: [Int32] = []
        var outputStart: [Int32] = [0]
        var outputs: [Int32] = []
        for state in children.indices {
            for byte in children[state].keys.sorted() {
                edgeBytes.append(byte)
                edgeTargets.append(children[state][byte]!)
            }
            edgeStart.append(Int32(edgeBytes.count))
            outputs.append(contentsOf: ends[state].sorted())
            outputStart.append(Int32(outputs.count))
        }
        self.rootTransitions = root
        self.edgeStart = edgeStart
        self.edgeBytes = edgeBytes
        self.edgeTargets = edgeTargets
        self.failure = failure
        self.outputStart = outputStart
        self.outputs = outputs
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte | 0x20 : byte
    }

    /// Calls `body` with the id of every pattern occurrence in `text` (a pattern
    /// found several times is reported each time).
    public func forEachMatch(in text: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        var state: Int32 = 0
        for raw in text {
            let byte = foldASCII ? Self.fold(raw) : raw
            state = step(from: state, byte: byte)
            if state == 0 { continue }
            let start = Int(outputStart[Int(state)]), end = Int(outputStart[Int(state) + 1])
            var index = start
            while index < end {
                body(Int(outputs[index]))
                index += 1
            }
        }
    }

    @inline(__always)
    private func step(from start: Int32, byte: UInt8) -> Int32 {
        var state = start
        while state != 0 {
            let lower = Int(edgeStart[Int(state)]), upper = Int(edgeStart[Int(state) + 1])
            var index = lower
            while index < upper {
                if edgeBytes[index] == byte { return edgeTargets[index] }
                index += 1
            }
            state = failure[Int(state)]
        }
        return rootTransitions[Int(byte)]
    }
}
