/// One match of a ``PCRE2Pattern`` in a text.
public struct PCRE2Match: Sendable, Equatable {
    /// The matched part of the text.
    public let matchedText: Substring
    /// Every named capture group that took part in the match, by name.
    public let namedCaptures: [String: Substring]

    /// Creates a match.
    public init(matchedText: Substring, namedCaptures: [String: Substring]) {
        self.matchedText = matchedText
        self.namedCaptures = namedCaptures
    }
}
