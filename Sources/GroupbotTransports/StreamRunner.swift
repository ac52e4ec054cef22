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
        idleInterval: Int64 = 60_000, side: SideWork? = nil, idle: (() -> Void)? = nil
    ) {
        if mode == .events {
            runDecodingAhead(input: input, pipeline: pipeline, progress: progress, idleInterval: idleInterval, idle: idle, side: side)
            return
        }
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

    /// On the events' clock no read waits for a timer: a second thread reads and decodes
    /// (``DecodingReader``) while this one runs the engine and writes the actions. The
    /// pipeline sees the same lines in the same order, so the output is the same bytes.
    /// Measured in docs/performance.md.
    private static func runDecodingAhead(input: FileInput, pipeline: EventPipeline, progress: ((Int) -> Void)?,
                                         idleInterval: Int64, idle: (() -> Void)?, side: SideWork?) {
        let reader = DecodingReader(input: input, book: pipeline.engine.book, side: side)
        while true {
            switch reader.next(waitingAtMost: idle == nil ? 60_000 : idleInterval) {
            case .batch(let batch):
                for line in batch.lines { pipeline.process(decoded: line) }
                progress?(batch.bytesRead)
                idle?()
                if batch.paused { pipeline.inputPaused() }
            case .waiting:
                idle?()  // a quiet pipe: the rules may still be reloaded
            case .ended:
                pipeline.finish()
                return
            }
        }
    }
}
