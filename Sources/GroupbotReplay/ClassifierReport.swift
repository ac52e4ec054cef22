import GroupbotCore
import GroupbotWire

/// How well the `spam_score` classifier separates spam from the rest on a labelled set:
/// precision and recall at several thresholds, for `groupbot classifier report`.
///
/// Either k-fold cross-validation (each message scored by a classifier trained on the other
/// folds; message i is in fold i mod k, so a run is repeatable), or a classifier given whole,
/// such as the one the admins' marks trained in a state file.
package struct ClassifierReport: Sendable, Equatable {
    /// One labelled message.
    package struct Example: Sendable, Equatable {
        package var text: String
        package var spam: Bool

        package init(text: String, spam: Bool) {
            self.text = text
            self.spam = spam
        }
    }

    /// The figures at one threshold.
    package struct Row: Sendable, Equatable {
        package var threshold: Double
        package var truePositives: Int
        package var falsePositives: Int
        package var falseNegatives: Int

        package var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        package var recall: Double {
            truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
    }

    package var spam: Int
    package var ham: Int
    /// Messages the classifier could not score (nothing in common with what it learnt): never flagged.
    package var unscored: Int
    package var rows: [Row]
    /// How the scores were made, for the heading.
    package var method: String

    package static let thresholds = [0.5, 0.7, 0.9, 0.99]

    /// Reads `{"label": "spam"|"ham", "text": "…"}` lines; a bad line is an error naming it.
    package static func examples(fromJSONLines text: String, file: String) throws(ReportError) -> [Example] {
        var examples: [Example] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            guard case .object(let object)? = try? JSONParser.parse(String(line)),
                  case .string(let label)? = object["label"], label == "spam" || label == "ham",
                  case .string(let body)? = object["text"]
            else {
                throw ReportError("\(file):\(index + 1): expected {\"label\": \"spam\" or \"ham\", \"text\": \"…\"}")
            }
            examples.append(Example(text: body, spam: label == "spam"))
        }
        return examples
    }

    /// Cross-validates over `folds` folds; texts go through `normalize` first, as the engine's do.
    package static func crossValidate(_ examples: [Example], folds: Int, normalize: (String) -> String) -> ClassifierReport {
        let texts = examples.map { normalize($0.text) }
        var scores = [Double?](repeating: nil, count: examples.count)
        for fold in 0..<folds {
            var model = NaiveBayes()
            for index in examples.indices where index % folds != fold { model.learn(texts[index], spam: examples[index].spam) }
            for index in examples.indices where index % folds == fold { scores[index] = model.score(texts[index]) }
        }
        return report(examples, scores: scores, method: "\(folds)-fold cross-validation")
    }

    /// Scores every example with `model` as it is.
    package static func evaluate(_ examples: [Example], model: NaiveBayes, method: String, normalize: (String) -> String) -> ClassifierReport {
        report(examples, scores: examples.map { model.score(normalize($0.text)) }, method: method)
    }

    private static func report(_ examples: [Example], scores: [Double?], method: String) -> ClassifierReport {
        let rows = thresholds.map { threshold in
            var row = Row(threshold: threshold, truePositives: 0, falsePositives: 0, falseNegatives: 0)
            for (example, score) in zip(examples, scores) {
                let flagged = (score ?? 0) >= threshold
                if flagged && example.spam { row.truePositives += 1 }
                if flagged && !example.spam { row.falsePositives += 1 }
                if !flagged && example.spam { row.falseNegatives += 1 }
            }
            return row
        }
        return ClassifierReport(spam: examples.filter(\.spam).count, ham: examples.filter { !$0.spam }.count,
                                unscored: scores.filter { $0 == nil }.count, rows: rows, method: method)
    }

    /// The report as a table.
    package var text: String {
        func percent(_ value: Double) -> String {
            let tenths = Int((value * 1000).rounded())
            return "\(tenths / 10).\(tenths % 10)%"
        }
        var lines = ["\(spam + ham) messages (\(spam) spam, \(ham) not), \(method); \(unscored) could not be scored",
                     "threshold  flagged  spam caught  false alarms  precision  recall"]
        for row in rows {
            let columns = [String(row.threshold), String(row.truePositives + row.falsePositives), String(row.truePositives),
                           String(row.falsePositives), percent(row.precision), percent(row.recall)]
            let widths = [9, 7, 11, 12, 9, 6]
            lines.append(zip(columns, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }
                .joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

/// A labelled set that cannot be read.
package struct ReportError: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) { self.description = description }
}
