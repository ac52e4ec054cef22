import ArgumentParser

/// The `groupbot` command line.
@main
struct Groupbot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupbot",
        abstract: "Rule-based moderation and auto-replies for business chat groups.",
        discussion: """
            Events come in as JSON lines (docs/wire-format.md), run through the rule files of \
            their group type (docs/rules.md), and actions go out as JSON lines.
            """,
        version: "0.1.0",
        subcommands: [RunCommand.self, ReplayCommand.self, CheckCommand.self, TestCommand.self, ExplainCommand.self, SchemaCommand.self,
                      ClusterCommand.self,
                      StatsCommand.self, LogCommand.self, MembersCommand.self, ServeCommand.self, DeliveriesCommand.self,
                      ClassifierCommand.self]
    )
}
