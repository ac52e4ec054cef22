import GroupbotTestSupport

/// Paths inside the repository.
enum Paths {
    static let repository = Repository.root

    static let rules = repository + "/rules"
    static let fixtures = repository + "/Tests/GroupbotTransportsTests/Fixtures"
    static let examples = repository + "/examples"
}
