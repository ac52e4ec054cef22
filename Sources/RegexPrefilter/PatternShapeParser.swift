/// Reads the subset of PCRE2 syntax needed to find required literals.
///
/// Anything it does not know for certain either becomes "any character"
/// (requires nothing) or, for constructs that change how the rest of the
/// pattern reads (extended mode, verbs, recursion, conditionals), makes the
/// whole analysis give up by returning nil.
struct PatternShapeParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var caseless = false
    /// Character classes larger than this are treated as "any character".
    private static let smallSet = 8

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    mutating func parseAll() -> PatternShape? {
        guard let shape = parseAlternation(), index == scalars.count else { return nil }
        return shape
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func take(_ text: String) -> Bool {
        let wanted = Array(text.unicodeScalars)
        guard index + wanted.count <= scalars.count, Array(scalars[index..<index + wanted.count]) == wanted else {
            return false
        }
        index += wanted.count
        return true
    }

    // MARK: - Structure

    private mutating func parseAlternation() -> PatternShape? {
        let savedCaseless = caseless
        var branches: [PatternShape] = []
        while true {
            guard let sequence = parseSequence() else { return nil }
            branches.append(sequence)
            guard current == "|" else { break }
            index += 1
        }
        caseless = savedCaseless
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() -> PatternShape? {
        var parts: [PatternShape] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            guard let atom = parseAtom() else { return nil }
            guard let quantified = parseQuantifier(after: atom) else { return nil }
            parts.append(quantified)
        }
        return .sequence(parts)
    }

    private mutating func parseQuantifier(after atom: PatternShape) -> PatternShape? {
        var minimum = 1, maximum: Int? = 1
        switch current {
        case "?": (minimum, maximum) = (0, 1); index += 1
        case "*": (minimum, maximum) = (0, nil); index += 1
        case "+": (minimum, maximum) = (1, nil); index += 1
        case "{":
            guard let (low, high) = readBraces() else { return atom }  // a literal '{' was read as the atom's follower
            (minimum, maximum) = (low, high)
        default:
            return atom
        }
        if current == "?" || current == "+" { index += 1 }  // lazy or possessive: same strings
        return .repeated(atom, minimum: minimum, maximum: maximum)
    }

    /// `{n}`, `{n,}` or `{n,m}`; nil (reading nothing) when the brace is a literal.
    private mutating func readBraces() -> (Int, Int?)? {
        let start = index
        index += 1
        func number() -> Int? {
            var value: Int?
            while let scalar = current, let digit = Int(String(scalar)), scalar.isASCII {
                value = (value ?? 0) * 10 + digit
                index += 1
            }
            return value
        }
        guard let low = number() else { index = start; return nil }
        var high: Int? = low
        if current == "," {
            index += 1
            high = number()
        }
        guard current == "}" else { index = start; return nil }
        index += 1
        return (low, high)
    }

    private mutating func parseAtom() -> PatternShape? {
        guard let scalar = current else { return nil }
        switch scalar {
        case "(": return parseGroup()
        case "[": return parseClass()
        case "\\": return parseEscape()
        case ".": index += 1; return .anyCharacter
        case "^", "$": index += 1; return .empty
        case "*", "+", "?": return nil  // a quantifier with nothing to repeat
        default:
            index += 1
            return literal(scalar)
        }
    }

    private mutating func parseGroup() -> PatternShape? {
        index += 1
        if current == "*" { return nil }  // (*VERB) and friends
        var lookaround = false
        if current == "?" {
            index += 1
            if take(":") || take("|") || take(">") {
            } else if take("=") || take("!") || take("<=") || take("<!") {
                lookaround = true
            } else if take("#") {
                while let scalar = current, scalar != ")" { index += 1 }
                guard take(")") else { return nil }
                return .empty
            } else if take("<") || take("P<") || take("'") {
                while let scalar = current, scalar != ">", scalar != "'" { index += 1 }
                index += 1
            } else {
                // Inline flags: (?i) for the rest of the group, or (?i:...) for the group.
                var on = true
                var newCaseless = caseless
                while let scalar = current, scalar != ")", scalar != ":" {
                    switch scalar {
                    case "-": on = false
                    case "i": newCaseless = on
                    case "m", "s", "n", "U", "J": break
                    default: return nil  // x (extended), ^, recursion, conditionals: give up
                    }
                    index += 1
                }
                if take(")") {
                    caseless = newCaseless
                    return .empty
                }
                guard take(":") else { return nil }
                let outer = caseless
                caseless = newCaseless
                let inner = parseAlternation()
                caseless = outer
                guard let inner, take(")") else { return nil }
                return inner
            }
        }
        guard let inner = parseAlternation(), take(")") else { return nil }
        return lookaround ? .empty : inner
    }

    // MARK: - Escapes and characters

    private mutating func parseEscape() -> PatternShape? {
        index += 1
        guard let scalar = current else { return nil }
        index += 1
        switch scalar {
        case "d": return .digit
        case "s", "h", "v", "R": return .space
        case "D", "w", "W", "S", "H", "V", "N", "X", "C": return .anyCharacter
        case "p", "P":
            guard skipPropertyName() else { return nil }
            return .anyCharacter
        case "b", "B", "A", "z", "Z", "G", "K": return .empty
        case "1"..."9": return .empty  // a back reference repeats text already required
        case "x": return hexEscape().flatMap(literal)
        case "t": return literal("\t")
        case "n": return literal("\n")
        case "r": return literal("\r")
        case "f": return literal("\u{0C}")
        case "e": return literal("\u{1B}")
        case "a": return literal("\u{07}")
        case "Q":
            var parts: [PatternShape] = []
            while index < scalars.count, !take("\\E") {
                parts.append(literal(scalars[index]))
                index += 1
            }
            return .sequence(parts)
        default:
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return nil }
            return literal(scalar)
        }
    }

    /// After `\p` or `\P`: skips `{Name}` or a one-letter name; false when a brace is never closed.
    private mutating func skipPropertyName() -> Bool {
        guard current == "{" else {
            index += 1
            return true
        }
        while let next = current, next != "}" { index += 1 }
        return take("}")
    }

    /// After `\x`: `{HHHH}` or up to two hex digits.
    private mutating func hexEscape() -> Unicode.Scalar? {
        var digits = ""
        if take("{") {
            while let scalar = current, scalar != "}" { digits.unicodeScalars.append(scalar); index += 1 }
            guard take("}") else { return nil }
        } else {
            while digits.count < 2, let scalar = current, scalar.properties.isASCIIHexDigit {
                digits.unicodeScalars.append(scalar)
                index += 1
            }
        }
        return UInt32(digits.isEmpty ? "0" : digits, radix: 16).flatMap(Unicode.Scalar.init)
    }

    /// One character as it will be searched: ASCII letters lower-cased; in caseless mode,
    /// letters whose case partners are not ASCII-foldable require nothing.
    private func literal(_ scalar: Unicode.Scalar) -> PatternShape {
        guard let text = Self.searchForm(scalar, caseless: caseless) else { return .anyCharacter }
        return .literal(text)
    }

    static func searchForm(_ scalar: Unicode.Scalar, caseless: Bool) -> String? {
        if scalar.isASCII {
            let lower = Character(scalar).lowercased()
            // With UCP, caseless k and s also match the Kelvin sign and the long s.
            if caseless, lower == "k" || lower == "s" { return nil }
            return lower
        }
        if caseless, scalar.properties.changesWhenCaseMapped { return nil }
        return String(scalar)
    }

    // MARK: - Classes

    private mutating func parseClass() -> PatternShape? {
        index += 1
        var negated = false
        if current == "^" { negated = true; index += 1 }
        var members: Set<Unicode.Scalar> = []
        var hasDigitEscape = false
        var unknown = false
        var features: UInt64 = 0
        var wide = false
        var spaceEscape = false
        var first = true
        while let scalar = current, scalar != "]" || first {
            first = false
            if take("[:") {
                while let next = current, next != ":" { index += 1 }
                guard take(":]") else { return nil }
                unknown = true
                continue
            }
            guard let low = classCharacter(&hasDigitEscape, &spaceEscape, &unknown) else { return nil }
            if current == "-", index + 1 < scalars.count, scalars[index + 1] != "]", let lowScalar = low {
                index += 1
                guard let high = classCharacter(&hasDigitEscape, &spaceEscape, &unknown), let highScalar = high,
                      lowScalar.value <= highScalar.value
                else { return nil }
                features |= TextFeatures.of(range: lowScalar, highScalar)
                if caseless, lowScalar.value <= 0x7A, highScalar.value >= 0x41 { features |= TextFeatures.caselessLetters }
                if caseless, highScalar.value >= 0x80 { unknown = true }  // case partners outside the range
                if highScalar.value - lowScalar.value > 64 {
                    wide = true
                } else {
                    for value in lowScalar.value...highScalar.value {
                        if let member = Unicode.Scalar(value) { members.insert(member) }
                    }
                }
            } else if let lowScalar = low {
                members.insert(lowScalar)
                features |= TextFeatures.of(lowScalar)
                if caseless, lowScalar.properties.changesWhenCaseMapped {
                    if lowScalar.isASCII { features |= TextFeatures.caselessLetters } else { unknown = true }
                }
            }
        }
        guard take("]") else { return nil }
        if negated || unknown { return .anyCharacter }
        if !wide, !spaceEscape, members.allSatisfy({ $0.properties.numericType == .decimal }) && (hasDigitEscape || !members.isEmpty) {
            return .digit
        }
        if spaceEscape || !members.isEmpty, !hasDigitEscape, !wide,
           members.allSatisfy({ WhiteSpaceCount.count(in: String($0)) == 1 }) {
            return .space  // `[\s]`, `[ \t]`: only white space
        }
        if hasDigitEscape { features |= TextFeatures.decimalDigits }
        if spaceEscape { features |= TextFeatures.whiteSpace }
        if wide || hasDigitEscape || spaceEscape || members.count > Self.smallSet { return .character(features: features) }
        var forms: Set<String> = []
        for member in members {
            guard let form = Self.searchForm(member, caseless: caseless) else { return .anyCharacter }
            forms.insert(form)
        }
        return .oneOf(forms)
    }

    /// One character inside a class; nil scalar for a class escape such as `\d` or `\w`.
    /// The outer optional is nil when the syntax is not understood.
    private mutating func classCharacter(
        _ hasDigitEscape: inout Bool, _ spaceEscape: inout Bool, _ unknown: inout Bool
    ) -> Unicode.Scalar?? {
        guard let scalar = current else { return nil }
        index += 1
        guard scalar == "\\" else { return .some(scalar) }
        guard let escaped = current else { return nil }
        index += 1
        switch escaped {
        case "d": hasDigitEscape = true; return .some(nil)
        case "s", "h", "v": spaceEscape = true; return .some(nil)
        case "D", "w", "W", "S", "H", "V", "N": unknown = true; return .some(nil)
        case "p", "P":
            guard skipPropertyName() else { return nil }
            unknown = true
            return .some(nil)
        case "x": return hexEscape().map { .some($0) }
        case "t": return .some("\t")
        case "n": return .some("\n")
        case "r": return .some("\r")
        default:
            if escaped.properties.isAlphabetic || escaped.properties.numericType != nil { return nil }
            return .some(escaped)
        }
    }
}
