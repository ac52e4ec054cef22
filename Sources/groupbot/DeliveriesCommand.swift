import ArgumentParser
import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotTransports

/// `groupbot deliveries`: the dead-letter list of `serve`'s outbound calls.
struct DeliveriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "List the deliveries that were given up on, or queue them again.",
        subcommands: [ListDeadLetters.self, RetryDeadLetters.self],
        defaultSubcommand: ListDeadLetters.self
    )

    struct ListDeadLetters: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List dead deliveries and the pending count.")

        @Option(help: "The state `serve` uses: a SQLite file or a postgres:// address.")
        var state: String = "groupbot.sqlite"

        func run() throws {
            let ledger = try DeliveriesCommand.ledger(state)
            let output = FileOutput.standardOutput()
            do {
                let counts = try ledger.counts()
                output.writeLine("\(counts.pending) pending, \(counts.dead) dead")
                for delivery in try ledger.deadLetters() {
                    output.writeLine("\(delivery.id)\t\(delivery.target)\t\(delivery.endpoint)\t\(delivery.attempts) attempt(s)\t\(delivery.lastError ?? "")")
                }
                output.flush()
            } catch {
                FileOutput.standardError().writeLine("\(error)")
                throw ExitCode(1)
            }
        }
    }

    struct RetryDeadLetters: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Queue dead deliveries again (all, or the ids given); a running `serve` sends them within a second.")

        @Option(help: "The state `serve` uses: a SQLite file or a postgres:// address.")
        var state: String = "groupbot.sqlite"

        @Argument(help: "Delivery ids to retry (default: every dead one).")
        var ids: [String] = []

        func run() throws {
            let ledger = try DeliveriesCommand.ledger(state)
            do {
                let revived = try ledger.revive(ids: ids.isEmpty ? nil : ids, at: WallClock().now)
                let output = FileOutput.standardOutput()
                output.writeLine("\(revived) delivery(ies) queued again")
                output.flush()
            } catch {
                FileOutput.standardError().writeLine("\(error)")
                throw ExitCode(1)
            }
        }
    }

    static func ledger(_ path: String) throws -> SQLDeliveryLedger {
        guard StateLocation.isDatabase(path) || FileManager.default.fileExists(atPath: path) else {
            FileOutput.standardError().writeLine("state file \(path): not found")
            throw ExitCode(1)
        }
        do {
            return try StateStore.open(path).deliveries
        } catch {
            FileOutput.standardError().writeLine(error.description)
            throw ExitCode(1)
        }
    }
}
