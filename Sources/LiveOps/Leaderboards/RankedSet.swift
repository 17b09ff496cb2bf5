import Scripting

/// Ranking direction.
public enum RankOrder: String, Sendable, Hashable {
    /// Highest score first (rank 1 is the highest).
    case desc
    /// Lowest score first (rank 1 is the lowest), for times and other "less is better" boards.
    case asc
}

/// An order-statistic set: O(log n) upsert, remove, rank; O(log n + k) ranges. Not thread-safe:
/// one owner at a time (the caller guards it with a lock).
///
/// Order and ranks: entries sort by score (highest first for `.desc`, lowest first for `.asc`),
/// then by `reachedAt` ascending (equal scores: who got there first ranks higher, in both
/// directions), then by `seq` ascending. The order is total, so ranks are 1...count, distinct,
/// with no shared places; a board that wants "joint 3rd" derives it from equal scores. Should a
/// host ever give two entries the same score, `reachedAt` and `seq`, they still get distinct
/// ranks in a stable but unspecified order.
///
/// Inside: a dictionary from member to its integer sort key (which carries the member's slot),
/// each slot's member name in a flat array, and a counted B+tree (`RankTree`) of the keys with
/// 64 per leaf, so comparisons never touch strings and an operation allocates nothing once
/// storage has grown. A bad `n` or `count` (`<= 0`) returns an empty array rather than trapping.
public final class RankedSet {
    /// The set's ranking direction.
    public let order: RankOrder
    private var tree: RankTree
    /// Each member's key: reading an entry needs no second lookup, and updating one writes the
    /// dictionary's value in place.
    private var keys: [String: RankKey] = [:]
    /// Each slot's member, for range results; a freed slot holds "" until reused.
    private var members: [String] = []
    private var freeSlots: [Int32] = []
    /// Where the last upsert put its member, valid until the next change: a board shows a
    /// member's new rank right after raising the score, and this spares that hash and descent.
    /// Only changes write it, so concurrent reads under a reader lock would stay safe.
    private var lastUpsert: (member: String, position: Int)?

    /// An empty set ranked in `order`.
    public convenience init(order: RankOrder) {
        self.init(order: order, leafCapacity: 64, innerCapacity: 64)
    }

    /// An empty set with chosen node capacities (tests use small ones to build deep trees).
    init(order: RankOrder, leafCapacity: Int, innerCapacity: Int) {
        self.order = order
        tree = RankTree(leafCapacity: leafCapacity, innerCapacity: innerCapacity)
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// The member's entry, nil when absent.
    public func entry(_ member: String) -> RankedEntry? {
        keys[member].map { entry(member, $0) }
    }

    /// Inserts or replaces the member's entry; returns the previous one.
    /// - Parameter entry: the member's new standing; replacing with an equal entry changes nothing.
    /// - Returns: the member's entry before, nil when it was new.
    @discardableResult
    public func upsert(_ entry: RankedEntry) -> RankedEntry? {
        if let index = keys.index(forKey: entry.member) {
            let old = keys.values[index]
            let new = key(entry, slot: old.tie.slot)
            if old != new {
                lastUpsert = (entry.member, tree.replace(old, with: new))
                keys.values[index] = new
            }
            return self.entry(entry.member, old)
        }
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            members[Int(slot)] = entry.member
        } else {
            slot = Int32(members.count)
            members.append(entry.member)
        }
        let new = key(entry, slot: slot)
        keys[entry.member] = new
        lastUpsert = (entry.member, tree.insert(new))
        return nil
    }

    /// Removes the member. - Returns: its entry, nil when it was absent.
    @discardableResult
    public func remove(_ member: String) -> RankedEntry? {
        guard let old = keys.removeValue(forKey: member) else { return nil }
        lastUpsert = nil
        tree.remove(old)
        members[Int(old.tie.slot)] = ""
        freeSlots.append(old.tie.slot)
        return entry(member, old)
    }

    /// 1-based rank, nil when absent.
    public func rank(_ member: String) -> Int? {
        if let last = lastUpsert, last.member == member { return last.position + 1 }
        guard let key = keys[member] else { return nil }
        return tree.position(of: key).map { $0 + 1 }
    }

    /// Entries at ranks start ..< start+count (start is 1-based), clipped to the set.
    /// - Returns: the part of those ranks that exists, in rank order; empty when `count <= 0`.
    public func range(fromRank start: Int, count: Int) -> [RankedEntry] {
        guard count > 0 else { return [] }
        let (end, overflow) = start.addingReportingOverflow(count)
        let first = max(start, 1)
        let last = min(overflow ? Int.max : end - 1, keys.count)
        guard first <= last else { return [] }
        return entries(fromPosition: first - 1, count: last - first + 1)
    }

    /// The first n. - Returns: up to `n` entries from rank 1; empty when `n <= 0`.
    public func top(_ n: Int) -> [RankedEntry] {
        range(fromRank: 1, count: n)
    }

    /// Up to n entries ranked directly above the member, the member, and up to n below; empty when absent.
    /// - Returns: in rank order; also empty when `n <= 0`.
    public func around(_ member: String, _ n: Int) -> [RankedEntry] {
        guard n > 0, let rank = rank(member) else { return [] }
        let above = min(n, rank - 1)
        let below = min(n, keys.count - rank)
        return entries(fromPosition: rank - 1 - above, count: above + 1 + below)
    }

    /// Every entry in rank order (for snapshots/tests).
    public func all() -> [RankedEntry] {
        entries(fromPosition: 0, count: keys.count)
    }

    /// Removes everything.
    public func removeAll() {
        tree.removeAll()
        lastUpsert = nil
        keys = [:]
        members = []
        freeSlots = []
    }

    /// Structural problems of the tree and disagreements between the tree, the dictionary and
    /// the slots; empty when sound (tests).
    func problems() -> [String] {
        var problems = tree.problems()
        if tree.count != keys.count { problems.append("tree holds \(tree.count), dictionary \(keys.count)") }
        if members.count != keys.count + freeSlots.count { problems.append("\(members.count) slots, \(keys.count) used, \(freeSlots.count) free") }
        var disagreements = 0
        tree.visit(from: 0, limit: tree.count) { key in
            if keys[members[Int(key.tie.slot)]] != key { disagreements += 1 }
        }
        if disagreements > 0 { problems.append("\(disagreements) keys in the tree differ from the dictionary's") }
        return problems
    }

    /// Levels of inner nodes above the leaves (tests).
    var treeHeight: Int { tree.height }

    @inline(__always)
    private func key(_ entry: RankedEntry, slot: Int32) -> RankKey {
        RankKey(primary: order == .desc ? ~entry.score : entry.score, tie: RankTie(reachedAt: entry.reachedAt, seq: entry.seq, slot: slot))
    }

    @inline(__always)
    private func entry(_ member: String, _ key: RankKey) -> RankedEntry {
        RankedEntry(member: member, score: order == .desc ? ~key.primary : key.primary, reachedAt: key.tie.reachedAt, seq: key.tie.seq)
    }

    private func entries(fromPosition position: Int, count: Int) -> [RankedEntry] {
        var out: [RankedEntry] = []
        out.reserveCapacity(count)
        tree.visit(from: position, limit: count) { key in out.append(entry(members[Int(key.tie.slot)], key)) }
        return out
    }
}
