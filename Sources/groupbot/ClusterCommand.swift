import ArgumentParser
import Foundation
import GroupbotCore
import GroupbotStore
import GroupbotTransports
import GroupbotWire

/// `groupbot cluster`: what several `serve` instances on one PostgreSQL database share
/// (docs/scaling.md).
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Look at the instances sharing a PostgreSQL state: who owns what, and the shared log.",
        subcommands: [Status.self, Log.self],
        defaultSubcommand: Status.self
    )

    struct Options: ParsableArguments {
        @Option(help: "The PostgreSQL state the instances share (postgres://…).")
        var state: String

        func open() throws -> ClusterStore {
            guard StateLocation.isDatabase(state) else {  // before opening: a path would create a file
                throw ValidationError("--state must be a postgres:// address: instances share a PostgreSQL state")
            }
            do {
                let store = try StateStore.open(state)
                guard let postgres = store.postgres else {
                    throw ValidationError("--state must be a postgres:// address: instances share a PostgreSQL state")
                }
                guard let partitions = try ClusterStore.partitions(in: postgres) else {
                    throw ValidationError("no instance has run on \(postgres.location) yet")
                }
                return try ClusterStore(database: postgres, partitions: partitions)
            } catch let error as StoreError {
                FileOutput.standardError().writeLine(error.description)
                throw ExitCode(1)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "The instances (alive or silent), and each partition's owner and handed-on row.")

        @OptionGroup var options: Options

        func run() throws {
            let status = try options.open().status()
            let output = FileOutput.standardOutput()
            output.writeLine("log: \(status.lastSeq) row(s)")
            for instance in status.instances {
                output.writeLine("instance \(instance.id): last heartbeat \(instance.silentMilliseconds) ms ago, ran up to row \(instance.processedSeq)")
            }
            for partition in status.partitions {
                output.writeLine("partition \(partition.id): \(partition.owner ?? "(free)"), epoch \(partition.epoch), handed on up to row \(partition.emittedSeq)")
            }
            output.flush()
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Print the shared log as JSON lines (events and the clock's ticks, in the order every instance ran them).",
            discussion: "Replayed with `groupbot run --clock events --state memory`, it gives the actions the instances handed on.")

        @OptionGroup var options: Options

        @Option(help: "Only the rows after this one.")
        var after: Int64 = 0

        func run() throws {
            let store = try options.open()
            let output = FileOutput.standardOutput()
            var seq = after
            while true {
                let rows = try store.read(after: seq, limit: 10_000)
                guard let last = rows.last else { break }
                for row in rows { output.writeLine(EventEncoder.line(for: row.event)) }
                seq = last.seq
            }
            output.flush()
        }
    }
}
