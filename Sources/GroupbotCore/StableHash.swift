/// FNV-1a over UTF-8: the same on every run and machine, unlike `Hasher`,
/// which Swift seeds randomly per process. Used to pick among reply texts.
enum StableHash {
    static func of(_ parts: String...) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
