import PCRE2
import RegexPrefilter

/// What a rule's gated `text` regexes need of a message, kept in a flat array beside the
/// rules (``GroupType/textNeeds``), so that most candidates that cannot fire are dropped
/// by reading a few numbers, before the rule object and its conditions are touched.
///
/// Every field is a necessary condition taken from a top-level regex gate (all of a
/// rule's conditions must hold), so the check can only skip rules that would not fire.
struct TextNeeds: Sendable {
    /// UTF-8 bytes the text has at least.
    var minimumBytes: Int32 = 0
    /// Decimal digits the text has at least.
    var minimumDigits: Int32 = 0
    /// White-space characters the text has at least.
    var minimumSpaces: Int32 = 0
    /// ``TextFeatures`` masks the text's mask must meet (all bits set when there is none).
    var firstFeatures: UInt64 = TextFeatures.all
    var secondFeatures: UInt64 = TextFeatures.all

    /// Whether the check can rule anything out.
    var restricts: Bool {
        minimumBytes > 0 || minimumDigits > 0 || minimumSpaces > 0
            || firstFeatures != TextFeatures.all || secondFeatures != TextFeatures.all
    }

    /// The needs of a rule with `conditions`.
    init(conditions: [Condition]) {
        var clauses: [UInt64] = []
        for case .regex(let regex) in conditions where regex.field == .text {
            guard let gate = regex.gate else { continue }
            minimumBytes = max(minimumBytes, Int32(clamping: gate.minimumBytes))
            minimumDigits = max(minimumDigits, Int32(clamping: gate.minimumDigits))
            minimumSpaces = max(minimumSpaces, Int32(clamping: gate.minimumSpaces))
            clauses += gate.features
        }
        // The most selective clauses: those with the fewest features.
        clauses.sort { $0.nonzeroBitCount < $1.nonzeroBitCount }
        if clauses.count > 0 { firstFeatures = clauses[0] }
        if clauses.count > 1 { secondFeatures = clauses[1] }
    }
}
