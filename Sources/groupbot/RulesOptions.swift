import ArgumentParser
import GroupbotCore
import GroupbotReplay
import GroupbotRules
import GroupbotRuntime
import GroupbotTransports

/// The `--rules` option shared by the commands that run rules.
struct RulesOptions: ParsableArguments {
    @Option(name: .long, help: "The directory of rule files: groups.yaml and one <type>.yaml per group type.")
    var rules: String = "rules"

    init() {}

    init(rules: String) {
        self.rules = rules
    }

    /// Loads the rule book, or prints every mistake to stderr and exits with status 1.
    func loadBook() throws -> RuleBook {
        do {
            return try RuleBookLoader.load(directory: rules)
        } catch {
            FileOutput.standardError().writeLine(error.description)
            throw ExitCode(1)
        }
    }
}

extension ClockMode: ExpressibleByArgument {}
extension FlushPolicy: ExpressibleByArgument {}
extension ReplayReportFormat: ExpressibleByArgument {}
