import GroupbotCore
import GroupbotRuntime
import GroupbotWire

/// Runs a stream of JSON lines through a pipeline until the input ends.
///
/// With the wall clock, timers fire while the input is idle: the reader waits
/// for input no longer than until the next timer is due. With the default
/// flush policy, actions are flushed whenever a read has been processed, so a
/// live pipe sees each action as soon as its event is processed.
package enum StreamRunner {
    /// Reads `input` to its end through `pipeline`.
    /// - Parameters:
    ///   - progress: called after each chunk with the bytes read so far.
    ///   - idle: called at least every `idleInterval` milliseconds, between reads (rule reloading).
    package static func run(
        input: FileInput, pipeline: EventPipeline, clock mode: ClockMode, progress: ((Int) -> Void)? = nil,
        idleInterval: Int64 = 60_000, idle: (() -> Void)? = nil
    ) {
        var splitter = LineSplitter()
        var bytesRead = 0
        while true {
            var timeout: Int32 = idle == nil ? -1 : Int32(clamping: idleInterval)
            if mode == .wall, let wait = pipeline.millisecondsUntilNextTimer {
                timeout = Int32(clamping: min(wait, idle == nil ? 60_000 : idleInterval))
            }
            let result = input.read(timeoutMilliseconds: timeout) { chunk in
                splitter.feed(chunk) { pipeline.process($0) }
                bytesRead += chunk.count
            }
            progress?(bytesRead)
            idle?()
            if mode == .wall { pipeline.fireDueTimers() }
            switch result {
            case .data:
                // A file or a busy pipe has the next chunk ready: no pause, so large batches.
                if !input.hasMoreReady { pipeline.inputPaused() }
            case .timedOut:
                pipeline.inputPaused()
            case .endOfInput:
                splitter.finish { pipeline.process($0) }
                if mode == .wall { pipeline.fireDueTimers() }
                pipeline.finish()
                return
            }
        }
    }
}
