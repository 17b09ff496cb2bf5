import GRDB
import Synchronization

/// A Bloom filter over the keys of `gift_keys`, which lets the writer answer "never used" for a
/// new send's key without searching the index (a b-tree search of a text key: about a tenth of
/// the writer's time a send).
///
/// It holds every key `gift_keys` holds, and may say yes for a key it does not (about 1% of
/// new keys while it holds at most `capacity`, more past it); the writer then searches the
/// index as before. So a key it has never been given must never be in `gift_keys`: the writer
/// adds every key it writes there (the gift keys' flush and refusals) before the statement
/// runs; keys a `cut` took away again only make it say yes more often; and the writer drops it
/// when another connection commits (`GiftKeyIndex.reset`).
///
/// Blocked: a key's bits lie in one 512-bit block (one cache line), chosen by the key's hash,
/// six bits in it, at 10 bits a key.
struct GiftKeyFilter: Sendable {
    /// Keys the filter is sized for (1% false yeses up to it).
    let capacity: Int
    /// Keys added, repeats counted.
    private(set) var count = 0
    private var words: [UInt64]
    private let blocks: UInt64

    static let bitsPerKey = 10
    static let bitsPerKeyProbe = 6
    /// The smallest filter made (keys), so a new store's first filter does not need a rebuild soon.
    static let capacityMin = 1 << 20

    init(capacity: Int) {
        self.capacity = max(capacity, Self.capacityMin)
        let bits = self.capacity.multipliedReportingOverflow(by: Self.bitsPerKey)
        precondition(!bits.overflow, "filter capacity out of range")
        let blockCount = (bits.partialValue + 511) / 512
        blocks = UInt64(blockCount)
        words = [UInt64](repeating: 0, count: blockCount * 8)
    }

    /// The key's hash: the block from its high half, the bits in it from the low.
    private static func hash(_ key: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(key)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }

    private func block(_ h: UInt64) -> Int { Int(((h >> 32) &* blocks) >> 32) * 8 }

    mutating func add(_ key: String) {
        let h = Self.hash(key)
        let base = block(h)
        let (h1, h2) = (UInt32(truncatingIfNeeded: h), UInt32(truncatingIfNeeded: h >> 32) | 1)
        for i in 0..<UInt32(Self.bitsPerKeyProbe) {
            let bit = Int((h1 &+ i &* h2) & 511)
            words[base + bit >> 6] |= 1 << UInt64(bit & 63)
        }
        count += 1
    }

    /// False only when `key` was never added.
    func mayContain(_ key: String) -> Bool {
        let h = Self.hash(key)
        let base = block(h)
        let (h1, h2) = (UInt32(truncatingIfNeeded: h), UInt32(truncatingIfNeeded: h >> 32) | 1)
        for i in 0..<UInt32(Self.bitsPerKeyProbe) {
            let bit = Int((h1 &+ i &* h2) & 511)
            if words[base + bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return false }
        }
        return true
    }

    /// A filter of every key in `gift_keys` as `db`'s snapshot has them, sized for twice as many.
    static func build(_ db: Database) throws -> GiftKeyFilter {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gift_keys") ?? 0
        var filter = GiftKeyFilter(capacity: count.multipliedReportingOverflow(by: 2).partialValue)
        let keys = try db.cachedStatement(sql: "SELECT key FROM gift_keys")
        let cursor = try String.fetchCursor(keys)
        while let key = try cursor.next() { filter.add(key) }
        return filter
    }
}

/// Where a filter built off the writer waits for the writer to take it.
final class GiftKeyFilterDelivery: Sendable {
    enum Outcome: Sendable {
        case built(GiftKeyFilter)
        /// The build failed: the writer goes on searching the index for every key not ruled
        /// out by the filter it has, if any.
        case failed
    }

    private let slot = Mutex<Outcome?>(nil)
    private let ready = Atomic<Bool>(false)

    func deliver(_ outcome: Outcome) {
        slot.withLock { $0 = outcome }
        ready.store(true, ordering: .releasing)
    }

    /// The outcome, once delivered (taken once).
    func take() -> Outcome? {
        guard ready.load(ordering: .acquiring) else { return nil }
        return slot.withLock { slot in
            defer { slot = nil }
            return slot
        }
    }
}
