@testable import Engine
@testable import LiveOps
@testable import Scripting
import Testing

@Suite("Leaderboards: RankedSet")
struct RankedSetTests {
    // MARK: Against a model

    /// Thousands of random upserts and removals, each followed by every query compared with a
    /// plain sorted array. Capacity 4 builds a tree many levels deep from a few hundred members,
    /// so splits, merges and sharing between inner nodes all happen; 64 is the real size.
    @Test(arguments: [RankOrder.desc, .asc], [4, 64])
    func matchesASortedArray(order: RankOrder, capacity: Int) {
        var rng = SeededRandom(seed: capacity == 4 ? 7 : 11)
        let set = RankedSet(order: order, leafCapacity: capacity, innerCapacity: capacity)
        var model = RankedSetModel(order: order)
        let members = (0..<300).map { "m\($0)" }
        var seq: Int64 = 0
        for step in 0..<2_000 {
            let member = members.randomElement(using: &rng)!
            var failures: [String] = []
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<60:
                seq += 1
                // Few distinct scores and times, so ties decide much of the order.
                let entry = RankedEntry(member: member, score: Int64.random(in: -5...5, using: &rng),
                                        reachedAt: Int64.random(in: 0...3, using: &rng), seq: seq)
                if set.upsert(entry) != model.upsert(entry) { failures.append("upsert returned another previous entry") }
                // Rank right after an upsert comes from the upsert's own descent.
                if set.rank(member) != model.rank(member) { failures.append("rank after upsert") }
            case 60..<70:
                if let same = model.entry(member), set.upsert(same) != same { failures.append("same-entry upsert") }
            case 70..<99:
                if set.remove(member) != model.remove(member) { failures.append("remove returned another entry") }
            default:
                if step % 7 == 0 {
                    set.removeAll()
                    model = RankedSetModel(order: order)
                }
            }
            failures += mismatches(set, model, members: members, rng: &rng)
            if !failures.isEmpty {
                Issue.record("step \(step), \(order), capacity \(capacity): \(failures)")
                return
            }
        }
    }

    /// Every query against the model; plain comparisons, since a macro per check would make
    /// this test slow in debug builds.
    private func mismatches(_ set: RankedSet, _ model: RankedSetModel, members: [String], rng: inout SeededRandom) -> [String] {
        var failures = set.problems()
        if set.count != model.entries.count { failures.append("count \(set.count), model \(model.entries.count)") }
        if set.all() != model.entries { failures.append("all()") }
        for _ in 0..<3 {
            let member = members.randomElement(using: &rng)!
            let at = model.index(of: member)
            if set.rank(member) != at.map({ $0 + 1 }) { failures.append("rank(\(member))") }
            if set.entry(member) != at.map({ model.entries[$0] }) { failures.append("entry(\(member))") }
        }
        let n = model.entries.count
        let top = Int.random(in: -2...(n + 3), using: &rng)
        if set.top(top) != model.range(fromRank: 1, count: top) { failures.append("top(\(top))") }
        let start = Int.random(in: -3...(n + 3), using: &rng)
        let count = Int.random(in: -2...20, using: &rng)
        if set.range(fromRank: start, count: count) != model.range(fromRank: start, count: count) {
            failures.append("range(fromRank: \(start), count: \(count))")
        }
        let edges = [model.entries.first?.member, model.entries.last?.member, members.randomElement(using: &rng)]
        for member in edges.compactMap({ $0 }) {
            let at = model.index(of: member)
            for k in [0, 1, 3, n + 5] where set.around(member, k) != model.around(at, k) {
                failures.append("around(\(member), \(k))")
            }
        }
        return failures
    }

    // MARK: Order

    @Test func tiesGoToWhoReachedTheScoreFirstThenToSeq() {
        let entries = [
            RankedEntry(member: "late", score: 10, reachedAt: 5, seq: 1),
            RankedEntry(member: "early-2", score: 10, reachedAt: 3, seq: 2),
            RankedEntry(member: "early-3", score: 10, reachedAt: 3, seq: 3),
            RankedEntry(member: "high", score: 20, reachedAt: 9, seq: 4),
            RankedEntry(member: "low", score: 5, reachedAt: 0, seq: 5),
        ]
        let desc = RankedSet(order: .desc)
        let asc = RankedSet(order: .asc)
        for entry in entries.reversed() {
            desc.upsert(entry)
            asc.upsert(entry)
        }
        #expect(desc.all().map(\.member) == ["high", "early-2", "early-3", "late", "low"])
        #expect(asc.all().map(\.member) == ["low", "early-2", "early-3", "late", "high"])
        #expect(desc.rank("early-3") == 3 && asc.rank("early-3") == 3)
        #expect(desc.rank("high") == 1 && asc.rank("high") == 5)
    }

    @Test(arguments: [RankOrder.desc, .asc])
    func extremeScoresSortCorrectly(order: RankOrder) {
        let set = RankedSet(order: order)
        let scores: [Int64] = [0, .max, -1, .min, 1, .min + 1, .max - 1]
        for (i, score) in scores.enumerated() {
            set.upsert(RankedEntry(member: "s\(i)", score: score, reachedAt: 0, seq: Int64(i)))
        }
        let sorted = scores.sorted(by: order == .desc ? (>) : (<))
        #expect(set.all().map(\.score) == sorted)
        #expect(set.rank("s1") == (order == .desc ? 1 : 7))
    }

    // MARK: Edges

    @Test func emptySetAnswersEmpty() {
        let set = RankedSet(order: .desc)
        #expect(set.count == 0 && set.all().isEmpty && set.top(10).isEmpty)
        #expect(set.range(fromRank: 1, count: 10).isEmpty && set.around("x", 3).isEmpty)
        #expect(set.rank("x") == nil && set.entry("x") == nil && set.remove("x") == nil)
        #expect(set.problems() == [])
    }

    @Test func badCountsReturnEmptyAndRangesClip() {
        let set = filled(5)
        #expect(set.top(0).isEmpty && set.top(-1).isEmpty && set.top(.min).isEmpty)
        #expect(set.range(fromRank: 1, count: 0).isEmpty && set.range(fromRank: 1, count: -3).isEmpty)
        #expect(set.around("m2", 0).isEmpty && set.around("m2", -1).isEmpty)
        #expect(set.top(100).map(\.member) == ["m0", "m1", "m2", "m3", "m4"])
        #expect(set.range(fromRank: -1, count: 3).map(\.member) == ["m0"])
        #expect(set.range(fromRank: 4, count: .max).map(\.member) == ["m3", "m4"])
        #expect(set.range(fromRank: 6, count: 1).isEmpty && set.range(fromRank: .max, count: .max).isEmpty)
        #expect(set.range(fromRank: .min, count: .max).isEmpty)
        #expect(set.around("m0", 2).map(\.member) == ["m0", "m1", "m2"])
        #expect(set.around("m4", 1).map(\.member) == ["m3", "m4"])
        #expect(set.around("m2", .max).count == 5)
    }

    @Test func absentMembersAndReplacement() {
        let set = filled(3)
        #expect(set.rank("nobody") == nil && set.around("nobody", 1).isEmpty && set.remove("nobody") == nil)
        let m1 = set.entry("m1")!
        #expect(set.upsert(m1) == m1)
        #expect(set.count == 3 && set.rank("m1") == 2 && set.problems() == [])
        let raised = RankedEntry(member: "m1", score: 1_000, reachedAt: 1, seq: 99)
        #expect(set.upsert(raised) == m1)
        #expect(set.rank("m1") == 1 && set.entry("m1") == raised && set.count == 3)
        #expect(set.remove("m1") == raised && set.rank("m1") == nil && set.count == 2)
        #expect(set.all().map(\.member) == ["m0", "m2"])
    }

    @Test func removeAllEmptiesAndTheSetStaysUsable() {
        let set = filled(1_000)
        set.removeAll()
        #expect(set.count == 0 && set.all().isEmpty && set.rank("m5") == nil && set.problems() == [])
        set.upsert(RankedEntry(member: "m5", score: 1, reachedAt: 0, seq: 1))
        #expect(set.rank("m5") == 1 && set.count == 1)
    }

    // MARK: Size

    /// 200,000 members at the real node size (the least for three levels of inner nodes):
    /// invariants hold after bulk insert and updates that move a twentieth of the members,
    /// and after removing all but every 200th in random order (merges and sharing all the way
    /// up). Sized to run in two to three seconds in a debug build.
    @Test func largeSetKeepsItsInvariants() throws {
        var rng = SeededRandom(seed: 42)
        let set = RankedSet(order: .desc)
        let n = 200_000
        let names = (0..<n).map { "u\($0)" }
        for i in 0..<n {
            set.upsert(RankedEntry(member: names[i], score: Int64.random(in: 0..<1_000_000, using: &rng), reachedAt: 0, seq: Int64(i)))
        }
        #expect(set.count == n && set.treeHeight >= 3)
        for i in stride(from: 0, to: n, by: 20) {
            set.upsert(RankedEntry(member: names[i], score: Int64.random(in: 0..<1_000_000, using: &rng), reachedAt: 1, seq: Int64(n + i)))
        }
        try #require(set.problems() == [])
        let all = set.all()
        #expect(all.count == n)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.score >= $1.score })
        var wrong = 0
        for _ in 0..<200 {
            let at = Int.random(in: 0..<n, using: &rng)
            if set.rank(all[at].member) != at + 1 || set.range(fromRank: at + 1, count: 3) != Array(all[at..<min(n, at + 3)]) { wrong += 1 }
        }
        #expect(wrong == 0)
        var positions = Array(0..<n)
        positions.shuffle(using: &rng)
        for at in positions where at % 200 != 0 { set.remove(all[at].member) }
        #expect(set.count == n / 200 && set.treeHeight < 3)
        #expect(set.problems() == [])
        #expect(set.all() == stride(from: 0, to: n, by: 200).map { all[$0] })
    }

    private func filled(_ n: Int) -> RankedSet {
        let set = RankedSet(order: .desc)
        for i in 0..<n { set.upsert(RankedEntry(member: "m\(i)", score: Int64(n - i), reachedAt: 0, seq: Int64(i))) }
        return set
    }
}

/// The obvious implementation: a sorted array, searched linearly.
private struct RankedSetModel {
    let order: RankOrder
    var entries: [RankedEntry] = []

    init(order: RankOrder) { self.order = order }

    func precedes(_ a: RankedEntry, _ b: RankedEntry) -> Bool {
        if a.score != b.score { return order == .desc ? a.score > b.score : a.score < b.score }
        if a.reachedAt != b.reachedAt { return a.reachedAt < b.reachedAt }
        return a.seq < b.seq
    }

    func index(of member: String) -> Int? { entries.firstIndex { $0.member == member } }

    func entry(_ member: String) -> RankedEntry? { index(of: member).map { entries[$0] } }

    func rank(_ member: String) -> Int? { index(of: member).map { $0 + 1 } }

    mutating func upsert(_ entry: RankedEntry) -> RankedEntry? {
        let previous = remove(entry.member)
        entries.insert(entry, at: entries.firstIndex { precedes(entry, $0) } ?? entries.count)
        return previous
    }

    mutating func remove(_ member: String) -> RankedEntry? {
        guard let at = entries.firstIndex(where: { $0.member == member }) else { return nil }
        return entries.remove(at: at)
    }

    /// Small arguments only (the tests' random ones); the set's own tests cover the extremes.
    func range(fromRank start: Int, count: Int) -> [RankedEntry] {
        let first = max(start, 1)
        let last = min(start + count - 1, entries.count)
        return first <= last ? Array(entries[(first - 1)..<last]) : []
    }

    /// Around the entry at index `at` (nil: an absent member).
    func around(_ at: Int?, _ n: Int) -> [RankedEntry] {
        guard n > 0, let at else { return [] }
        return Array(entries[max(0, at - n)...min(entries.count - 1, at + n)])
    }
}
