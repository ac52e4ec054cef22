import CPCRE2

/// A compiled PCRE2 regular expression, in UTF mode with Unicode properties
/// (`PCRE2_UTF | PCRE2_UCP`), JIT-compiled when the platform supports it.
///
/// ```swift
/// let price = try PCRE2Pattern(#"(?<product>鱼油|钙片).{0,6}多少钱"#)
/// let scratch = MatchScratch()
/// let match = try price.firstMatch(in: "请问鱼油现在多少钱", scratch: scratch)
/// match?.namedCaptures["product"]   // "鱼油"
/// ```
///
/// A pattern is immutable once compiled and may be shared between threads;
/// the ``MatchScratch`` passed to each call may not.
///
/// Note: in PCRE2 10.40 and later, `\p{Han}` means Script_Extensions=Han and so
/// also matches CJK punctuation such as `。「」`. Write `\p{sc=Han}` for
/// Chinese characters only.
package final class PCRE2Pattern: @unchecked Sendable {
    // @unchecked: `code` and `matchContext` are written only in init and freed in
    // deinit; PCRE2 documents compiled code and contexts as safe to share for matching.
    private let code: OpaquePointer
    private let matchContext: OpaquePointer

    /// The pattern as written.
    package let source: String
    /// The names of the pattern's named capture groups, in group-number order.
    package let captureNames: [String]
    /// Whether the JIT compiler accepted the pattern (matching falls back to the interpreter otherwise).
    package let isJITCompiled: Bool
    /// The fewest characters a match can have (PCRE2's own analysis); a text with
    /// fewer UTF-8 bytes than this cannot match.
    package let minimumLength: Int
    private let namedGroups: [(name: String, number: Int)]
    private let pairCount: UInt32
    private let limits: MatchLimits

    /// Compiles `pattern`.
    ///
    /// - Parameters:
    ///   - pattern: the regular expression, PCRE2 syntax.
    ///   - caseless: compare letters without regard to case.
    ///   - limits: how much work one match may do before giving up.
    /// - Throws: ``PCRE2Error`` with kind `.compile` and PCRE2's message when the pattern is invalid.
    package init(_ pattern: String, caseless: Bool = false, limits: MatchLimits = .default) throws(PCRE2Error) {
        source = pattern
        var options = UInt32(PCRE2_UTF | PCRE2_UCP)
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let utf8 = Array(pattern.utf8)
        let compiled = utf8.withUnsafeBufferPointer { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            let characterOffset = String(decoding: utf8.prefix(Int(errorOffset)), as: UTF8.self).count
            throw PCRE2Error(kind: .compile(characterOffset: characterOffset), code: errorCode, pattern: pattern)
        }
        code = compiled
        isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0

        self.limits = limits
        let context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        matchContext = context

        var captureCount: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captureCount)
        pairCount = captureCount + 1
        var minimum: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_MINLENGTH), &minimum)
        minimumLength = Int(minimum)
        namedGroups = Self.readNameTable(compiled)
        captureNames = namedGroups.sorted { $0.number < $1.number }.map(\.name)
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// Whether the pattern matches anywhere in `text`.
    package func matches(_ text: String, scratch: MatchScratch) throws(PCRE2Error) -> Bool {
        try run(on: text, scratch: scratch, context: matchContext)
    }

    /// Whether the pattern matches anywhere in `text`, within its share of `budget`.
    package func matches(_ text: String, scratch: MatchScratch, budget: inout MatchBudget) throws(PCRE2Error) -> Bool {
        try run(on: text, scratch: scratch, context: context(for: text, scratch: scratch, budget: &budget))
    }

    /// The first match in `text`, with its named captures, or `nil`.
    package func firstMatch(in text: String, scratch: MatchScratch) throws(PCRE2Error) -> PCRE2Match? {
        guard try run(on: text, scratch: scratch, context: matchContext) else { return nil }
        return captured(in: text, scratch: scratch)
    }

    /// The first match in `text` within its share of `budget`, with its named captures, or `nil`.
    package func firstMatch(in text: String, scratch: MatchScratch, budget: inout MatchBudget) throws(PCRE2Error) -> PCRE2Match? {
        let context = context(for: text, scratch: scratch, budget: &budget)
        guard try run(on: text, scratch: scratch, context: context) else { return nil }
        return captured(in: text, scratch: scratch)
    }

    /// The match context for one budgeted call: the pattern's own when its share allows
    /// the pattern's full limit, else the scratch's, set to the share.
    private func context(for text: String, scratch: MatchScratch, budget: inout MatchBudget) -> OpaquePointer {
        let limit = budget.limit(forBytes: text.utf8.count, patternLimit: limits.matchLimit)
        guard limit < limits.matchLimit else { return matchContext }
        pcre2_set_match_limit_8(scratch.budgetContext, limit)
        pcre2_set_depth_limit_8(scratch.budgetContext, limits.depthLimit)
        pcre2_set_heap_limit_8(scratch.budgetContext, limits.heapLimitKiB)
        return scratch.budgetContext
    }

    /// The match left in the scratch by a successful run.
    private func captured(in text: String, scratch: MatchScratch) -> PCRE2Match {
        let pointer = pcre2_get_ovector_pointer_8(scratch.matchData)!
        let ovector = (0..<Int(2 * pairCount)).map { pointer[$0] }
        let utf8 = text.utf8
        func substring(_ group: Int) -> Substring? {
            let start = ovector[2 * group], end = ovector[2 * group + 1]
            // size_t is imported as Int: PCRE2_UNSET (all bits set) reads as -1.
            guard start != groupbot_pcre2_unset(), start >= 0 else { return nil }
            let lower = utf8.index(utf8.startIndex, offsetBy: start)
            let upper = utf8.index(utf8.startIndex, offsetBy: end)
            return text[lower..<upper]
        }
        var named: [String: Substring] = [:]
        for group in namedGroups {
            if let value = substring(group.number) { named[group.name] = value }
        }
        return PCRE2Match(matchedText: substring(0) ?? "", namedCaptures: named)
    }

    /// Runs the match, leaving the offsets in the scratch's match data; false for no match.
    private func run(on text: String, scratch: MatchScratch, context matchContext: OpaquePointer) throws(PCRE2Error) -> Bool {
        scratch.reserve(pairs: pairCount)
        var text = text
        var rc: Int32 = text.withUTF8 { bytes in
            guard isJITCompiled, let subject = bytes.baseAddress else {
                // Swift strings are always valid UTF-8, so PCRE2 need not check again.
                return pcre2_match_8(code, bytes.baseAddress, bytes.count, 0, UInt32(PCRE2_NO_UTF_CHECK),
                                     scratch.matchData, matchContext)
            }
            // The JIT's direct entry: the same match (and match limit) as `pcre2_match` would run,
            // without its option checks, which cost more than many of these matches.
            return pcre2_jit_match_8(code, subject, bytes.count, 0, 0, scratch.matchData, matchContext)
        }
        if rc == PCRE2_ERROR_JIT_STACKLIMIT {
            // The JIT's small default stack ran out on a long text: the interpreter, bounded by
            // the match limits instead, takes over for this match.
            rc = text.withUTF8 { bytes in
                pcre2_match_8(code, bytes.baseAddress, bytes.count, 0, UInt32(PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT),
                              scratch.matchData, matchContext)
            }
        }
        if rc == PCRE2_ERROR_NOMATCH { return false }
        if rc < 0 { throw matchError(rc) }
        return true
    }

    private func matchError(_ rc: Int32) -> PCRE2Error {
        let kind: PCRE2Error.Kind
        switch rc {
        case PCRE2_ERROR_MATCHLIMIT: kind = .matchLimitExceeded
        case PCRE2_ERROR_DEPTHLIMIT: kind = .depthLimitExceeded
        case PCRE2_ERROR_HEAPLIMIT: kind = .heapLimitExceeded
        default: kind = .match
        }
        return PCRE2Error(kind: kind, code: rc, pattern: source)
    }

    /// Reads PCRE2's name table: entries of a big-endian group number and a NUL-terminated name.
    private static func readNameTable(_ code: OpaquePointer) -> [(name: String, number: Int)] {
        var count: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard count > 0, let table else { return [] }
        return (0..<Int(count)).map { index in
            let entry = table + index * Int(entrySize)
            let number = Int(entry[0]) << 8 | Int(entry[1])
            let name = String(cString: entry + 2)
            return (name, number)
        }
    }
}
