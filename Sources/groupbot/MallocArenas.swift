#if canImport(Glibc)
import Glibc
#endif

/// How many malloc arenas the server's threads share.
///
/// glibc gives threads arenas of their own, up to eight per core; memory freed on one
/// thread's arena is not reused by another. Under `serve`'s load (SwiftNIO's loops, the
/// engine's actor, the store's writer and snapshot threads) RSS then kept creeping up
/// (+11 MB over the last three minutes of a five-minute hold at 8,000 requests/s); with
/// two arenas it levelled off within a minute, and the throughput was the same.
/// `MALLOC_ARENA_MAX` in the environment, when set, wins.
///
/// `mallopt` is declared in `<malloc.h>`, which the Glibc module does not include, so it
/// is looked up by name; `M_ARENA_MAX` is -8 in glibc's ABI.
enum MallocArenas {
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32

    static func limit(to count: Int32, environment: [String: String]) {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil, let symbol = dlsym(nil, "mallopt") else { return }
        let arenaMaximum: Int32 = -8
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaximum, count)
        #endif
    }
}
