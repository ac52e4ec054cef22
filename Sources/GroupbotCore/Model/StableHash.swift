/// FNV-1a over UTF-8: the same on every run and machine, unlike `Hasher`,
/// which Swift seeds randomly per process. Used to pick among reply texts, and
/// as the 8-byte stand-in for an id in sets of processed events and active members.
package enum StableHash {
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

    /// The hash of one id (event, member): a set of these stands in for a set of ids
    /// at a fraction of the memory. The state file keeps them, so this never changes.
    package static func of(id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
