import ArgumentParser
import Foundation
import GroupbotCore
import GroupbotReplay
import GroupbotRuntime
import GroupbotStore
import GroupbotTransports

/// `groupbot classifier report LABELLED`: how well the `spam_score` classifier separates spam.
struct ClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "The spam classifier trained from admins' marks (spam_score).",
        subcommands: [Report.self],
        defaultSubcommand: Report.self
    )

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Print precision and recall on a labelled set of messages.",
            discussion: """
            LABELLED holds JSON lines {"label": "spam" or "ham", "text": "…"}. Without --state the set is \
            cross-validated (each message scored by a classifier trained on the other folds); with --state the \
            classifier the admins' marks trained in that state file scores every message. Texts are normalised \
            as the group type's rules see them.
            """
        )

        @Argument(help: "The labelled set (JSON lines).")
        var labelled: String

        @OptionGroup var rulesOptions: RulesOptions

        @Option(help: "The group type whose normaliser prepares the texts (default: the mapping's default type).")
        var type: String?

        @Option(help: "Folds of the cross-validation.")
        var folds: Int = 5

        @Option(help: "Score with the classifier kept in this state file instead of cross-validating.")
        var state: String?

        func validate() throws {
            guard folds >= 2 else { throw ValidationError("--folds must be 2 or more") }
        }

        func run() throws {
            let errors = FileOutput.standardError()
            let book = try rulesOptions.loadBook()
            let typeName = type ?? book.mapping.defaultType
            guard let groupType = book.types[typeName] else {
                errors.writeLine("no group type '\(typeName)' in \(rulesOptions.rules); expected one of \(book.groupTypeNames.joined(separator: ", "))")
                throw ExitCode(1)
            }
            let normalizer = groupType.community.normalizer
            let normalize = { (text: String) in normalizer?.normalize(text) ?? text }
            let examples: [ClassifierReport.Example]
            do {
                examples = try ClassifierReport.examples(fromJSONLines: try String(contentsOfFile: labelled, encoding: .utf8),
                                                         file: labelled)
            } catch let error as ReportError {
                errors.writeLine(error.description)
                throw ExitCode(1)
            } catch {
                errors.writeLine("\(labelled): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            let report: ClassifierReport
            if let state {
                let model = try Self.model(in: state, book: book)
                guard model.isReady else {
                    errors.writeLine("the classifier in \(state) has \(model.spamMarks) spam and \(model.hamMarks) ham mark(s); "
                                     + "it scores from \(NaiveBayes.minimumMarks) of each")
                    throw ExitCode(1)
                }
                report = ClassifierReport.evaluate(examples, model: model,
                                                   method: "the classifier of \(state) (\(model.spamMarks) spam and \(model.hamMarks) ham marks)",
                                                   normalize: normalize)
            } else {
                report = ClassifierReport.crossValidate(examples, folds: folds, normalize: normalize)
            }
            FileOutput.standardOutput().writeLine(report.text)
        }

        /// The classifier as the state has it: its last snapshot with the journal after it run
        /// again by the pipeline's own recovery, read only (actions not emitted stay so, nothing
        /// is written).
        static func model(in path: String, book: RuleBook) throws -> NaiveBayes {
            guard StateLocation.isDatabase(path) || FileManager.default.fileExists(atPath: path), let store = try StateOption.open(path) else {
                FileOutput.standardError().writeLine("state \(path): no such file")
                throw ExitCode(1)
            }
            let pipeline = EventPipeline(book: book, clock: .events, sink: CollectingSink(), store: store, report: { _ in })
            pipeline.defersEmittedMark = true  // what the state has not emitted stays unmarked
            try pipeline.recover()
            try store.close()
            return pipeline.engine.spamModel
        }
    }
}
