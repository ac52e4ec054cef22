import Yams

/// A bound on how many nodes a YAML document may stand for once its aliases are
/// followed. An alias (`*rule`) repeats a whole subtree without repeating its text,
/// so a 50 KB file can stand for hundreds of millions of nodes ("billion laughs"):
/// without a bound, `check` spent 30 s and 915 MB on one (docs/security.md).
package enum YAMLExpansionLimit {
    /// The most nodes a document may expand to: far above any real rule file or
    /// configuration (the shipped rules are a few thousand), far below harm.
    package static let maximumNodes = 200_000

    /// Nil when the document stays within the limit; else the node that the walk had
    /// reached when the limit ran out (for the error's line and column). The walk stops
    /// there, so its cost is bounded too.
    package static func firstNodePastLimit(in root: Node, maximumNodes: Int = maximumNodes) -> Node? {
        var pending = [root]
        var visited = 0
        while let node = pending.popLast() {
            visited += 1
            if visited > maximumNodes { return node }
            switch node {
            case .scalar, .alias:
                continue
            case .sequence(let sequence):
                pending.append(contentsOf: sequence)
            case .mapping(let mapping):
                for (key, value) in mapping {
                    pending.append(key)
                    pending.append(value)
                }
            }
        }
        return nil
    }

    /// The error text for a document past the limit.
    package static var reason: String {
        "the document expands to more than \(maximumNodes) nodes once its aliases (*name) are followed"
    }
}
