/// A 64-bit FNV-1a hash of an id: stable across runs (unlike `Hasher`), so a
/// set of hashes stands in for a set of ids at a fraction of the memory.
enum StableHashing {
    static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
