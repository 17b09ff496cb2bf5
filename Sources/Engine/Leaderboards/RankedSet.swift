/// Ranking direction.
public enum RankOrder: String, Sendable, Hashable { case desc, asc }

/// One member's standing. Total order: score (direction per RankOrder), then reachedAt ascending
/// (who got there first ranks higher), then seq ascending.
public struct RankedEntry: Sendable, Hashable {
    public let member: String
    public let score: Int64
    public let reachedAt: Int64
    public let seq: Int64
    public init(member: String, score: Int64, reachedAt: Int64, seq: Int64) {
        self.member = member
        self.score = score
        self.reachedAt = reachedAt
        self.seq = seq
    }
}

/// An order-statistic set (simple sorted-array version).
public final class RankedSet {
    public let order: RankOrder
    private var sorted: [RankedEntry] = []
    private var byMember: [String: RankedEntry] = [:]

    public init(order: RankOrder) { self.order = order }
    public var count: Int { sorted.count }
    public func entry(_ member: String) -> RankedEntry? { byMember[member] }

    private func before(_ a: RankedEntry, _ b: RankedEntry) -> Bool {
        if a.score != b.score { return order == .desc ? a.score > b.score : a.score < b.score }
        if a.reachedAt != b.reachedAt { return a.reachedAt < b.reachedAt }
        return a.seq < b.seq
    }

    private func position(_ e: RankedEntry) -> Int {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if before(sorted[mid], e) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @discardableResult public func upsert(_ entry: RankedEntry) -> RankedEntry? {
        let old = remove(entry.member)
        sorted.insert(entry, at: position(entry))
        byMember[entry.member] = entry
        return old
    }

    @discardableResult public func remove(_ member: String) -> RankedEntry? {
        guard let old = byMember.removeValue(forKey: member) else { return nil }
        sorted.remove(at: position(old))
        return old
    }

    public func rank(_ member: String) -> Int? {
        guard let e = byMember[member] else { return nil }
        return position(e) + 1
    }

    public func range(fromRank start: Int, count: Int) -> [RankedEntry] {
        guard count > 0, start >= 1, start <= sorted.count else { return [] }
        return Array(sorted[(start - 1)..<min(sorted.count, start - 1 + count)])
    }

    public func top(_ n: Int) -> [RankedEntry] { range(fromRank: 1, count: n) }

    public func around(_ member: String, _ n: Int) -> [RankedEntry] {
        guard n >= 0, let r = rank(member) else { return [] }
        let start = max(1, r - n)
        return range(fromRank: start, count: r + n - start + 1)
    }

    public func all() -> [RankedEntry] { sorted }
    public func removeAll() {
        sorted.removeAll()
        byMember.removeAll()
    }
}
