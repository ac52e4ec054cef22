import Foundation

/// A progress line on stderr for long replays (events, rate, ETA), shown only
/// when stderr is a terminal and the log is a file whose size is known.
final class ProgressLine {
    private let total: Int
    private let start = Date()
    private var lastShown = Date.distantPast

    init?(path: String) {
        guard isatty(2) != 0, path != "-",
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0
        else { return nil }
        total = size
    }

    func update(bytes: Int, events: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastShown) >= 0.5 else { return }
        lastShown = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(events) / elapsed : 0
        let remaining = bytes > 0 ? elapsed * Double(total - bytes) / Double(bytes) : 0
        let percent = Int(Double(bytes) * 100 / Double(total))
        FileHandle.standardError.write(Data("\r\(events) events, \(Int(rate))/s, \(percent)%, ETA \(Int(remaining))s   ".utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
