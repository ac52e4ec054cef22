/// Paths inside the repository, found from this file's location, so tests run from any directory.
package enum Repository {
    /// The repository's root.
    package static let root: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)  // Sources/GroupbotTestSupport/Repository.swift
        return components.joined(separator: "/")
    }()
}
