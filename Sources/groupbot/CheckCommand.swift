import ArgumentParser
import GroupbotCore
import GroupbotRules
import GroupbotTransports

/// `groupbot check rules/`: validate rule files without running anything.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate every rule file in a directory.",
        discussion: "Prints file:line:column, what was wrong and what was expected for every mistake, and exits 1 if there is any."
    )

    @Argument(help: "The directory of rule files to check.")
    var directory: String = "rules"

    @Flag(help: "Treat warnings (probable mistakes such as a rule that can never run) as errors.")
    var strict = false

    @Option(help: "Also warn about rules that need a field this platform dialect never supplies: webhook, onebot or telegram.")
    var dialect: Dialect = .webhook

    func run() throws {
        let book: RuleBook
        let warnings: [String]
        do {
            let loaded = try RuleBookLoader.loadWithTests(directory: directory)
            book = loaded.book
            warnings = loaded.warnings.map(\.description) + dialect.warnings(loaded.book)
        } catch {
            let errors = FileOutput.standardError()
            errors.writeLine(error.description)
            errors.writeLine("\(error.errors.count) error\(error.errors.count == 1 ? "" : "s") in \(directory)")
            throw ExitCode(1)
        }
        let errors = FileOutput.standardError()
        for warning in warnings { errors.writeLine("warning: \(warning)") }
        if strict, !warnings.isEmpty {
            errors.writeLine("\(counted(warnings.count, "warning")) in \(directory) (--strict)")
            throw ExitCode(1)
        }
        let types = book.groupTypeNames.joined(separator: ", ")
        FileOutput.standardOutput().writeLine(
            "\(directory): ok — \(counted(book.groupTypeNames.count, "group type")) (\(types)), \(counted(book.ruleCount, "rule")) after inheritance")
    }

    private func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
