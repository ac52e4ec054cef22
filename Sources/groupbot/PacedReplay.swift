import ArgumentParser
import GroupbotCore
import GroupbotRuntime
import GroupbotServer
import GroupbotTransports

/// `replay --pace`: the replay's actions with the times a live `serve` would send them,
/// decided by the same ``Pacer`` its delivery worker uses (one lane, one bot account).
enum PacedReplay {
    /// The pacing limits of a serve configuration file, or the defaults.
    static func limits(configPath: String?) throws -> PacingLimits {
        guard let configPath else { return PacingLimits() }
        do {
            return try ServerConfiguration.load(path: configPath).pacing
        } catch {
            FileOutput.standardError().writeLine(error.description)
            throw ExitCode.failure
        }
    }

    /// One line per action in the order it goes out: the send time, how long pacing held it
    /// after it was due, its kind, group and id; dropped ones say why. Returns the lines and
    /// a summary.
    static func render(_ actions: [Action], limits: PacingLimits) -> (lines: [String], summary: String) {
        var pacer = Pacer(limits: limits)
        var byID: [String: Action] = [:]
        for action in actions {
            byID[action.id] = action
            pacer.submit(Pacer.Item(id: action.id, pacing: PacingClass(action: action), due: action.due,
                                    utcOffsetSeconds: action.utcOffsetSeconds))
        }
        var lines: [String] = []
        var maxDelay: Int64 = 0
        var dropped = 0
        for release in pacer.releaseStepping(until: Instant(milliseconds: .max / 2)) {
            guard let action = byID[release.item.id] else { continue }
            switch release.outcome {
            case .send(let at):
                let delay = at.milliseconds - action.due.milliseconds
                maxDelay = max(maxDelay, delay)
                lines.append("\(Timestamp.format(at, utcOffsetSeconds: action.utcOffsetSeconds))  +\(seconds(delay))s  "
                             + "\(action.kind.rawValue) \(action.group) \(action.id)")
            case .dropped(let reason):
                dropped += 1
                lines.append("dropped  \(action.kind.rawValue) \(action.group) \(action.id): \(reason)")
            }
        }
        let summary = "paced \(actions.count) action(s): held back at most \(seconds(maxDelay)) s; \(dropped) dropped by the daily cap"
        return (lines, summary)
    }

    private static func seconds(_ milliseconds: Int64) -> String {
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10)"
    }
}
