import ArgumentParser
import GroupbotRules
import GroupbotTransports

/// `groupbot schema`: the JSON Schema of rule files, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of group type files, or of groups.yaml with --mapping.",
        discussion: "Save it and point your editor at it; docs/rules.md shows how (yaml-language-server)."
    )

    @Flag(help: "Print the schema of the group mapping (groups.yaml) instead.")
    var mapping = false

    func run() {
        FileOutput.standardOutput().writeLine(mapping ? RuleSchema.mappingFile() : RuleSchema.typeFile())
    }
}
