import Foundation
import GroupbotCore
import GroupbotRules
import GroupbotStore
import GroupbotTestSupport
import GroupbotWire
import Testing

/// Snapshots are written by `SortedJSONEncoder`, read by `JSONDecoder`: whatever it writes must
/// read back as the value written, mean what `JSONEncoder` would have written, and be the same
/// bytes for the same value.
@Suite struct SortedJSONEncoderTests {
    enum Shape: Codable, Equatable {
        case dot
        case circle(radius: Double)
        case labelled(String, at: [Int])
    }

    struct Sample: Codable, Equatable {
        var name: String
        var nick: String?
        var count: Int
        var small: Int32
        var unsigned: UInt8
        var ratio: Double
        var whole: Double
        var share: Float
        var flag: Bool
        var blob: Data
        var list: [String]
        var byName: [String: [Int]]
        var byNumber: [Int: String]
        var shapes: [Shape]
        var nested: [Sample]
    }

    static let sample = Sample(
        name: "鱼油粉丝群 \"一群\" \\ 第1期\n\t😀\u{01}/", nick: nil, count: -42, small: 7, unsigned: 255,
        ratio: 0.1, whole: 3, share: 0.25, flag: true, blob: Data([0, 1, 2, 250]),
        list: ["a", "", "加微信"], byName: ["zeta": [1], "alpha": [], "中文": [3, 4], "Beta": [2]],
        byNumber: [3: "c", 1: "a", 20: "t"], shapes: [.dot, .circle(radius: 1.5), .labelled("x", at: [1, 2])],
        nested: [Sample(name: "inner", nick: "小美", count: 1, small: 0, unsigned: 0, ratio: 1e-7, whole: 1e20,
                        share: 1, flag: false, blob: Data(), list: [], byName: [:], byNumber: [:], shapes: [], nested: [])])

    /// A value's JSON, parsed and written again with sorted keys: what it means, not its spelling.
    static func meaning(_ bytes: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    @Test func readsBackAsTheValueAndMeansWhatJSONEncoderWrites() throws {
        let ours = Data(try SortedJSONEncoder.encode(Self.sample))
        #expect(try JSONDecoder().decode(Sample.self, from: ours) == Self.sample)
        #expect(try Self.meaning(ours) == Self.meaning(JSONEncoder().encode(Self.sample)))
    }

    @Test func keysAreSortedSoTheSameValueGivesTheSameBytes() throws {
        var counts: [String: Int] = [:]
        var random = SplitMix(seed: 7)
        for index in 0..<2_000 { counts["member-\(random.next() % 100_000)-\(index)"] = index }
        let bytes = try SortedJSONEncoder.encode(counts)
        let copy = Dictionary(uniqueKeysWithValues: counts.map { ($0.key, $0.value) })
        #expect(try SortedJSONEncoder.encode(copy) == bytes)
        let keys = Array((try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Int]).keys)
        #expect(keys.count == counts.count)
        let text = String(decoding: bytes, as: UTF8.self)
        let positions = counts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { text.range(of: "\"\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted())
    }

    /// Arrays and objects too large to copy into their parents are written once at the end:
    /// the output is the same as if they had been, keys sorted around them.
    @Test func largeMembersAreWrittenInPlaceAndSorted() throws {
        var random = SplitMix(seed: 11)
        let big = (0..<3_000).map { index in
            Sample(name: "member-\(random.next() % 100_000)", nick: index % 3 == 0 ? nil : "小美\(index)", count: index,
                   small: 1, unsigned: 2, ratio: 0.5, whole: 2, share: 0.5, flag: index % 2 == 0, blob: Data([UInt8(index % 256)]),
                   list: ["加微信"], byName: ["b": [index], "a": []], byNumber: [index: "x"], shapes: [.dot], nested: [])
        }
        var outer = Self.sample
        outer.nested = big
        outer.byName = ["zz": Array(0..<20_000), "aa": [1]]
        let value: [String: [Sample]] = ["z-last": [outer], "a-first": big, "m-small": [Self.sample]]
        let ours = Data(try SortedJSONEncoder.encode(value))
        #expect(ours.count > 4 * (1 << 16))
        #expect(try JSONDecoder().decode([String: [Sample]].self, from: ours) == value)
        #expect(try Self.meaning(ours) == Self.meaning(JSONEncoder().encode(value)))
        let text = String(decoding: ours, as: UTF8.self)
        let positions = ["\"a-first\"", "\"m-small\"", "\"z-last\"", "\"aa\"", "\"zz\""].map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func aValueJSONCannotHoldIsAnError() {
        #expect(throws: EncodingError.self) { try SortedJSONEncoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try SortedJSONEncoder.encode(["x": Double.infinity]) }
    }

    /// An engine's snapshot after the demo log: read back, it writes the same bytes again.
    @Test func anEngineSnapshotRoundTrips() throws {
        let book = try RuleBookLoader.load(directory: Repository.root + "/rules")
        let clock = VirtualClock()
        let engine = Engine(book: book, clock: clock)
        let log = try String(contentsOfFile: Repository.root + "/examples/demo.jsonl", encoding: .utf8)
        for line in log.split(separator: "\n") {
            let event = try EventDecoder.decode(line: String(line))
            _ = engine.replay(event, on: clock)
        }
        let snapshot = engine.snapshot()
        let bytes = try SortedJSONEncoder.encode(snapshot)
        #expect(bytes.count > 1_000)
        let decoded = try JSONDecoder().decode(EngineSnapshot.self, from: Data(bytes))
        #expect(try SortedJSONEncoder.encode(decoded) == bytes)
        #expect(try Self.meaning(Data(bytes)) == Self.meaning(JSONEncoder().encode(snapshot)))
    }
}
