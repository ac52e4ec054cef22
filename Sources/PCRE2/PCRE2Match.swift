/// One match of a ``PCRE2Pattern`` in a text.
package struct PCRE2Match: Sendable, Equatable {
    /// The matched part of the text.
    package let matchedText: Substring
    /// Every named capture group that took part in the match, by name.
    package let namedCaptures: [String: Substring]

    /// Creates a match.
    package init(matchedText: Substring, namedCaptures: [String: Substring]) {
        self.matchedText = matchedText
        self.namedCaptures = namedCaptures
    }
}
