import ArgumentParser
import GroupbotCore
import GroupbotRules
import GroupbotTransports

/// `groupbot test rules/`: run the tests written in the rule files.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the tests written in the rule files (their tests: sections).",
        discussion: "Prints each case, and for a failure what was expected against what happened; exits 1 if any case fails."
    )

    @Argument(help: "The directory of rule files.")
    var directory: String = "rules"

    func run() throws {
        let loaded: RuleBookLoader.Loaded
        do {
            loaded = try RuleBookLoader.loadWithTests(directory: directory)
        } catch {
            FileOutput.standardError().writeLine(error.description)
            throw ExitCode(1)
        }
        let output = FileOutput.standardOutput()
        let results = RuleTestRunner.run(loaded.tests, book: loaded.book)
        for result in results {
            let where_ = "\(result.testCase.location.file):\(result.testCase.location.line)"
            output.writeLine("\(result.passed ? "✔" : "✘") \(where_) \(result.testCase.name)")
            if !result.passed { output.writeLine(RuleTestRunner.explainFailure(result)) }
        }
        let failed = results.filter { !$0.passed }.count
        output.writeLine("\(results.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
