import CPCRE2

/// An error from compiling or running a PCRE2 pattern.
///
/// The `description` is meant for people who write patterns: it carries PCRE2's
/// own message and, for compile errors, where in the pattern the problem is.
package struct PCRE2Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    package enum Kind: Equatable, Sendable {
        /// The pattern does not compile; the offset is in characters from its start.
        case compile(characterOffset: Int)
        /// The match limit was hit: the pattern backtracks too much on this text.
        case matchLimitExceeded
        /// The depth limit was hit: the pattern nests too deeply on this text.
        case depthLimitExceeded
        /// The heap limit was hit while matching.
        case heapLimitExceeded
        /// Any other failure reported by `pcre2_match`.
        case match
    }

    /// What went wrong.
    package let kind: Kind
    /// PCRE2's numeric error code.
    package let code: Int32
    /// PCRE2's own message for the code.
    package let message: String
    /// The pattern involved.
    package let pattern: String

    /// Makes an error from a PCRE2 error code, looking up PCRE2's message.
    init(kind: Kind, code: Int32, pattern: String) {
        self.kind = kind
        self.code = code
        self.pattern = pattern
        self.message = Self.message(for: code)
    }

    package var description: String {
        switch kind {
        case .compile(let offset):
            return "regex does not compile at character \(offset): \(message)"
        case .matchLimitExceeded:
            return "regex gave up: match limit exceeded (the pattern backtracks too much): \(pattern)"
        case .depthLimitExceeded:
            return "regex gave up: depth limit exceeded: \(pattern)"
        case .heapLimitExceeded:
            return "regex gave up: heap limit exceeded: \(pattern)"
        case .match:
            return "regex failed (\(code)): \(message)"
        }
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pointer in
            pcre2_get_error_message_8(code, pointer.baseAddress, pointer.count)
        }
        guard length > 0 else { return "unknown PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}
