#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A naive Bayes classifier over character n-grams: spam or not, trained from admins' marks
/// (`spam_score`). Each text counts the distinct 1-, 2- and 3-grams of its letters and digits
/// (lower case); the score is the posterior of spam with equal priors (so a lopsided number
/// of marks does not bias it) over the n-grams seen in training, with add-one smoothing.
///
/// A value: the engine keeps one in its state, and `groupbot classifier report` trains its own
/// to measure precision and recall on a labelled set.
package struct NaiveBayes: Sendable, Equatable {
    /// Marks of each class.
    package private(set) var spamMarks = 0
    package private(set) var hamMarks = 0
    /// Per n-gram hash, the number of spam and ham texts it occurred in.
    private var counts: [UInt64: Counts] = [:]
    /// The n-gram occurrences of each class (the denominators).
    private var spamTotal = 0
    private var hamTotal = 0

    struct Counts: Sendable, Equatable {
        var spam: UInt32
        var ham: UInt32
    }

    /// Marks of each class the classifier needs before it scores anything (until then a
    /// `spam_score` condition never holds).
    package static let minimumMarks = 5
    /// The most n-grams kept; past it, those seen once are forgotten.
    static let capacity = 300_000

    package init() {}

    /// Whether enough marks of both classes were learnt to score.
    package var isReady: Bool { spamMarks >= Self.minimumMarks && hamMarks >= Self.minimumMarks }

    /// The distinct n-gram hashes of `text`.
    package static func features(of text: String) -> Set<UInt64> {
        var characters: [Character] = []
        for character in text where character.isLetter || character.isNumber {
            characters.append(character.isASCII ? Character(character.lowercased()) : character)
        }
        var features = Set<UInt64>()
        for length in 1...3 where characters.count >= length {
            for start in 0...(characters.count - length) {
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(length)
                for character in characters[start..<(start + length)] {
                    for byte in character.utf8 {
                        hash ^= UInt64(byte)
                        hash &*= 0x0000_0100_0000_01b3
                    }
                }
                features.insert(hash)
            }
        }
        return features
    }

    /// Learns `text` as spam or not.
    package mutating func learn(_ text: String, spam: Bool) {
        let features = Self.features(of: text)
        guard !features.isEmpty else { return }
        if spam { spamMarks += 1; spamTotal += features.count } else { hamMarks += 1; hamTotal += features.count }
        for feature in features {
            var entry = counts[feature] ?? Counts(spam: 0, ham: 0)
            if spam { entry.spam += 1 } else { entry.ham += 1 }
            counts[feature] = entry
        }
        if counts.count > Self.capacity { counts = counts.filter { $0.value.spam + $0.value.ham > 1 } }
    }

    /// How likely `text` is spam, 0 to 1; nil before enough marks, or when the text shares no
    /// n-gram with anything learnt.
    package func score(_ text: String) -> Double? {
        guard isReady else { return nil }
        let vocabulary = Double(counts.count)
        let spamDenominator = Double(spamTotal) + vocabulary, hamDenominator = Double(hamTotal) + vocabulary
        var logOdds = 0.0
        var known = false
        for feature in Self.features(of: text) {
            guard let entry = counts[feature] else { continue }
            known = true
            logOdds += log(Double(entry.spam + 1) / spamDenominator) - log(Double(entry.ham + 1) / hamDenominator)
        }
        guard known else { return nil }
        if logOdds > 40 { return 1 }
        if logOdds < -40 { return 0 }
        return 1 / (1 + exp(-logOdds))
    }
}

extension NaiveBayes: Codable {
    private enum CodingKeys: String, CodingKey {
        case spamMarks, hamMarks, spamTotal, hamTotal, counts
    }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        spamMarks = try values.decode(Int.self, forKey: .spamMarks)
        hamMarks = try values.decode(Int.self, forKey: .hamMarks)
        spamTotal = try values.decode(Int.self, forKey: .spamTotal)
        hamTotal = try values.decode(Int.self, forKey: .hamTotal)
        // [hash, spam, ham] triples.
        let triples = try values.decode([[UInt64]].self, forKey: .counts)
        for triple in triples where triple.count == 3 {
            counts[triple[0]] = Counts(spam: UInt32(clamping: triple[1]), ham: UInt32(clamping: triple[2]))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(spamMarks, forKey: .spamMarks)
        try values.encode(hamMarks, forKey: .hamMarks)
        try values.encode(spamTotal, forKey: .spamTotal)
        try values.encode(hamTotal, forKey: .hamTotal)
        // Sorted, so the same model always gives the same bytes.
        try values.encode(counts.keys.sorted().map { [$0, UInt64(counts[$0]!.spam), UInt64(counts[$0]!.ham)] }, forKey: .counts)
    }
}
