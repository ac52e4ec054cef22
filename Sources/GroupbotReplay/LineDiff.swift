/// A readable, line-based diff between expected and actual output, in the
/// unified format people know from `diff -u` and code review.
package enum LineDiff {
    /// The diff of `actual` against `expected`, or nil when they are equal.
    /// - Parameter context: unchanged lines shown around each change.
    package static func unified(
        expected: [String], actual: [String], expectedName: String, actualName: String, context: Int = 2
    ) -> String? {
        guard expected != actual else { return nil }
        let difference = actual.difference(from: expected)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // Walk both sides together, producing (tag, expected index, actual index) rows.
        enum Tag { case same, removed, inserted }
        var rows: [(tag: Tag, old: Int, new: Int)] = []
        var old = 0, new = 0
        while old < expected.count || new < actual.count {
            if old < expected.count, removed.contains(old) {
                rows.append((.removed, old, new)); old += 1
            } else if new < actual.count, inserted.contains(new) {
                rows.append((.inserted, old, new)); new += 1
            } else {
                rows.append((.same, old, new)); old += 1; new += 1
            }
        }
        var output = "--- \(expectedName)\n+++ \(actualName)\n"
        var index = 0
        while index < rows.count {
            guard rows[index].tag != .same else { index += 1; continue }
            var start = max(0, index - context)
            var end = index
            // Extend the hunk while changes are closer than twice the context.
            while end < rows.count {
                if rows[end].tag != .same { end += 1; continue }
                let nextChange = rows[end...].firstIndex { $0.tag != .same }
                if let nextChange, nextChange - end <= 2 * context { end = nextChange; continue }
                break
            }
            end = min(rows.count, end + context)
            if start < 0 { start = 0 }
            let hunk = rows[start..<end]
            let oldCount = hunk.filter { $0.tag != .inserted }.count
            let newCount = hunk.filter { $0.tag != .removed }.count
            output += "@@ -\(rows[start].old + 1),\(oldCount) +\(rows[start].new + 1),\(newCount) @@\n"
            for row in hunk {
                switch row.tag {
                case .same: output += "  \(expected[row.old])\n"
                case .removed: output += "- \(expected[row.old])\n"
                case .inserted: output += "+ \(actual[row.new])\n"
                }
            }
            index = end
        }
        return output
    }
}
