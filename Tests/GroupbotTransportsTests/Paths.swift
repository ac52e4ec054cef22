/// Paths inside the repository, found from this file's location so tests run from any directory.
enum Paths {
    static let repository: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)  // Tests/GroupbotTransportsTests/Paths.swift
        return components.joined(separator: "/")
    }()

    static let rules = repository + "/rules"
    static let fixtures = repository + "/Tests/GroupbotTransportsTests/Fixtures"
    static let examples = repository + "/examples"
}
