#if !FUZZING
import Foundation
import GroupbotTestSupport

/// Without libFuzzer (an ordinary build, as `make test` makes): replays each target's
/// seed corpus, then feeds it seeded mutations of the seeds for a while. Not coverage-
/// guided, so it finds less than `make fuzz`, but it runs everywhere in seconds.
///
///     groupbot-fuzz <corpus directory> [seconds per target] [seed]
@main
enum MutationRunner {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: groupbot-fuzz <corpus directory> [seconds per target] [seed]")
            exit(2)
        }
        let corpus = arguments[1]
        let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 1 : 1
        var random = SplitMix(seed: arguments.count > 3 ? UInt64(arguments[3]) ?? 1 : 1)
        var failed = 0
        for target in FuzzTarget.allCases {
            let seeds = readSeeds(corpus + "/" + target.rawValue)
            guard !seeds.isEmpty else {
                print("\(target.rawValue): no seeds in \(corpus)/\(target.rawValue)")
                failed += 1
                continue
            }
            for seed in seeds { target.run(seed) }
            let deadline = Date().addingTimeInterval(seconds)
            var runs = seeds.count
            while Date() < deadline {
                for _ in 0..<64 {
                    target.run(Mutator.mutate(seeds[Int(random.next() % UInt64(seeds.count))], with: seeds, random: &random))
                }
                runs += 64
            }
            print("\(target.rawValue): \(seeds.count) seeds, \(runs) inputs, no crash")
        }
        print("\(FuzzTarget.allCases.count - failed) passed, \(failed) failed")
        exit(failed == 0 ? 0 : 1)
    }

    static func readSeeds(_ directory: String) -> [[UInt8]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { FileManager.default.contents(atPath: directory + "/" + $0).map { [UInt8]($0) } }
    }
}


/// Byte-level mutations in the manner of libFuzzer's: flips, inserts of interesting
/// bytes and tokens, deletions, duplications and splices with another seed.
enum Mutator {
    static let tokens: [[UInt8]] = ["\"", "\\u", "\\ud800", "{", "}", "[", "]", ",", ":", "-", "0", "1e400", "007",
                                    "null", "true", "9223372036854775808", "-9223372036854775808", "[CQ:", "&#91;", "&amp;",
                                    "*a", "&a ", "\n", "\t", "\u{00}", "\u{FEFF}", "鱼油", "微信", "\u{200B}"].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], with seeds: [[UInt8]], random: inout SplitMix) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + Int(random.next() % 4)) {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 6 {
            case 0 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
            case 1:
                bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: position)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + Int(random.next() % 8))
                bytes.removeSubrange(min(position, end)..<end)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + Int(random.next() % 16))
                bytes.insert(contentsOf: bytes[min(position, end)..<end], at: min(position, end))
            case 4:
                let other = seeds[Int(random.next() % UInt64(seeds.count))]
                let cut = other.isEmpty ? 0 : Int(random.next() % UInt64(other.count))
                bytes = Array(bytes[..<min(position, bytes.count)]) + other[cut...]
            default:
                bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            }
        }
        return bytes
    }
}
#endif
