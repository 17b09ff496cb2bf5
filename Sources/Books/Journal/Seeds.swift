/// Deterministic seeds for journaled randomness.
public enum Seeds {
    /// FNV-1a of the name mixed with the journal offset.
    public static func seed(offset: Int64, name: String) -> UInt64 {
        mix(fnv(name.utf8), offset: offset)
    }

    /// The seed of the name `prefix + String(offset) + suffix`, without building that name
    /// (a handler call's origin is only spelled out when an effect or a log needs it).
    public static func seed(offset: Int64, prefix: String, suffix: String) -> UInt64 {
        // A decimal offset is a small string: no allocation.
        mix(fnv(suffix.utf8, from: fnv(String(offset).utf8, from: fnv(prefix.utf8))), offset: offset)
    }

    /// The seed of the name `prefix + entry.name + suffix` (as `seed(offset:prefix:suffix:)`
    /// for a fact alone in its row), so each fact of a packed row draws its own numbers.
    public static func seed(_ entry: JournalEntry, prefix: String, suffix: String) -> UInt64 {
        guard entry.index > 0 else { return seed(offset: entry.offset, prefix: prefix, suffix: suffix) }
        let named = fnv(".\(entry.index)".utf8, from: fnv(String(entry.offset).utf8, from: fnv(prefix.utf8)))
        return mix(fnv(suffix.utf8, from: named), offset: entry.offset)
    }

    /// FNV-1a over `bytes`, continuing from `hash`.
    private static func fnv(_ bytes: String.UTF8View, from hash: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = hash
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    private static func mix(_ hash: UInt64, offset: Int64) -> UInt64 {
        hash ^ UInt64(bitPattern: offset) &* 0x9E37_79B9_7F4A_7C15
    }
}
