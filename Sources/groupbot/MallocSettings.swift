#if canImport(Glibc)
import Glibc
#endif

/// How glibc's malloc serves the long-running commands (`run`, `replay`, `serve`).
///
/// `mallopt` is declared in `<malloc.h>`, which the Glibc module does not include, so it
/// is looked up by name; the parameters are glibc's ABI numbers. The environment's own
/// setting (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`), when there is one, wins.
enum MallocSettings {
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32

    /// How many malloc arenas the server's threads share.
    ///
    /// glibc gives threads arenas of their own, up to eight per core; memory freed on one
    /// thread's arena is not reused by another. Under `serve`'s load (SwiftNIO's loops, the
    /// engine's actor, the store's writer and snapshot threads) RSS then kept creeping up
    /// (+11 MB over the last three minutes of a five-minute hold at 8,000 requests/s); with
    /// two arenas it levelled off within a minute, and the throughput was the same.
    static func limitArenas(to count: Int32, environment: [String: String]) {
        set(parameter: -8, to: count, unless: "MALLOC_ARENA_MAX", in: environment)  // M_ARENA_MAX
    }

    /// Blocks of 256 KB or more are mapped on their own and given back when freed.
    ///
    /// glibc raises this threshold as large blocks are freed (up to 32 MB), after which a
    /// snapshot's buffers (tens of megabytes, encoded on a thread of their own) come from the
    /// arenas and leave holes there that RSS keeps: on the community week's day 1 with a state
    /// file, the peak was 577 MB with the moving threshold and 475 MB with 256 KB, in the same time.
    static func mapLargeBlocks(environment: [String: String]) {
        set(parameter: -3, to: 256 << 10, unless: "MALLOC_MMAP_THRESHOLD_", in: environment)  // M_MMAP_THRESHOLD
    }

    private static func set(parameter: Int32, to value: Int32, unless variable: String, in environment: [String: String]) {
        #if canImport(Glibc)
        guard environment[variable] == nil, let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(parameter, value)
        #endif
    }
}
