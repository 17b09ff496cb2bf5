/// What orders entries with the same primary score: integers only, so comparing never touches a
/// `String` and never allocates.
struct RankTie: Equatable, BitwiseCopyable {
    var reachedAt: Int64
    var seq: Int64
    /// The member's slot in the owning `RankedSet`. Last tiebreak: keys stay distinct even if a
    /// host breaks the promise that `seq` is unique, so the tree never holds two equal keys.
    var slot: Int32

    static let zero = RankTie(reachedAt: 0, seq: 0, slot: 0)

    @inline(__always)
    static func < (a: RankTie, b: RankTie) -> Bool {
        if a.reachedAt != b.reachedAt { return a.reachedAt < b.reachedAt }
        if a.seq != b.seq { return a.seq < b.seq }
        return a.slot < b.slot
    }
}

/// A leaf's copy of a tie without the slot, which leaves keep in an array of their own.
struct RankTime: Equatable, BitwiseCopyable {
    var reachedAt: Int64
    var seq: Int64

    static let zero = RankTime(reachedAt: 0, seq: 0)
}

/// The sort key of one entry inside a `RankTree`.
struct RankKey: Equatable, BitwiseCopyable {
    /// The score, bit-inverted on descending boards (`~x` reverses the order of every `Int64`
    /// without overflow), so the tree always sorts ascending.
    var primary: Int64
    var tie: RankTie

    @inline(__always)
    static func < (a: RankKey, b: RankKey) -> Bool {
        a.primary < b.primary || (a.primary == b.primary && a.tie < b.tie)
    }
}

/// A counted B+tree of distinct `RankKey`s: O(log n) insert, remove, replace, rank and select.
///
/// Nodes are not objects. Leaf `l` owns positions `l * leafCapacity ..< l * leafCapacity +
/// leafCounts[l]` of `leafPrimaries`, `leafTimes` and `leafSlots`; inner node `x` owns
/// `innerSizes[x]` positions from `x * innerCapacity` of `innerChildren`, `innerCounts` (each
/// child's subtree size), `sepPrimaries` and `sepTies` (the separator at position `i >= 1` is a
/// lower bound of child `i` and above every key of child `i - 1`; position 0 is unused). On a
/// large board every node visited is a trip to memory, so the parts of a key live apart: a
/// search scans a node's primaries (a few cache lines, loaded together), reads times only
/// among equal primaries, and finds an existing key by scanning its leaf's slots. Freed nodes go to free lists and are reused, so an
/// operation allocates nothing once the arrays have grown and moves no reference counts. All
/// leaves sit at depth `height`, chained left to right through `leafNext`. Noncopyable: its
/// owner's single access covers a whole operation and nothing ever copies the arrays (not
/// even a debug build, which would otherwise copy the struct for each non-mutating call).
struct RankTree: ~Copyable {
    let leafCapacity: Int
    let innerCapacity: Int

    var leafPrimaries: [Int64] = []
    var leafTimes: [RankTime] = []
    var leafSlots: [Int32] = []
    var leafCounts: [Int32] = []
    var leafNext: [Int32] = []
    var freeLeaves: [Int32] = []

    var sepPrimaries: [Int64] = []
    var sepTies: [RankTie] = []
    var innerChildren: [Int32] = []
    var innerCounts: [Int32] = []
    var innerSizes: [Int32] = []
    var freeInners: [Int32] = []

    /// A leaf when `height` is 0, an inner node otherwise.
    var root: Int32 = 0
    var height = 0
    /// The leftmost leaf, where rank 1 lives; never freed (merges free the right node).
    var firstLeaf: Int32 = 0
    var count = 0

    /// An empty tree. - Parameters: capacities are programmer choices (tests use small ones to
    /// build deep trees), at least 4.
    init(leafCapacity: Int = 64, innerCapacity: Int = 64) {
        precondition(leafCapacity >= 4 && innerCapacity >= 4, "node capacities below 4 cannot rebalance")
        self.leafCapacity = leafCapacity
        self.innerCapacity = innerCapacity
        root = allocateLeaf()
        firstLeaf = root
    }

    /// A node below this size is merged with, or refilled from, a sibling. Inner nodes keep two
    /// children at least, so that every node but the root has a sibling to lean on.
    func minimumSize(height h: Int) -> Int { h == 0 ? max(1, leafCapacity / 4) : max(2, innerCapacity / 4) }

    func size(_ node: Int32, height h: Int) -> Int {
        h == 0 ? Int(leafCounts[Int(node)]) : Int(innerSizes[Int(node)])
    }

    // MARK: Keys at flat positions

    @inline(__always) func leafKey(_ i: Int) -> RankKey {
        let time = leafTimes[i]
        return RankKey(primary: leafPrimaries[i], tie: RankTie(reachedAt: time.reachedAt, seq: time.seq, slot: leafSlots[i]))
    }

    @inline(__always) mutating func setLeafKey(_ i: Int, _ key: RankKey) {
        leafPrimaries[i] = key.primary
        leafTimes[i] = RankTime(reachedAt: key.tie.reachedAt, seq: key.tie.seq)
        leafSlots[i] = key.tie.slot
    }

    @inline(__always) func separator(_ i: Int) -> RankKey { RankKey(primary: sepPrimaries[i], tie: sepTies[i]) }

    @inline(__always) mutating func setSeparator(_ i: Int, _ key: RankKey) {
        sepPrimaries[i] = key.primary
        sepTies[i] = key.tie
    }

    // MARK: Allocation

    mutating func allocateLeaf() -> Int32 {
        if let leaf = freeLeaves.popLast() {
            leafCounts[Int(leaf)] = 0
            leafNext[Int(leaf)] = -1
            return leaf
        }
        let leaf = Int32(leafCounts.count)
        leafPrimaries.append(contentsOf: Array(repeating: 0, count: leafCapacity))
        leafTimes.append(contentsOf: Array(repeating: .zero, count: leafCapacity))
        leafSlots.append(contentsOf: Array(repeating: 0, count: leafCapacity))
        leafCounts.append(0)
        leafNext.append(-1)
        return leaf
    }

    mutating func allocateInner() -> Int32 {
        if let node = freeInners.popLast() {
            innerSizes[Int(node)] = 0
            return node
        }
        let node = Int32(innerSizes.count)
        sepPrimaries.append(contentsOf: Array(repeating: 0, count: innerCapacity))
        sepTies.append(contentsOf: Array(repeating: .zero, count: innerCapacity))
        innerChildren.append(contentsOf: Array(repeating: -1, count: innerCapacity))
        innerCounts.append(contentsOf: Array(repeating: 0, count: innerCapacity))
        innerSizes.append(0)
        return node
    }

    /// Forgets every key and gives the memory back.
    mutating func removeAll() {
        self = RankTree(leafCapacity: leafCapacity, innerCapacity: innerCapacity)
    }

    // MARK: Search

    /// The child of inner node `node` whose subtree holds (or would hold) `key`: one before the
    /// first separator above `key`.
    @inline(__always)
    func childIndex(for key: RankKey, in node: Int32) -> Int {
        let base = Int(node) * innerCapacity
        let n = Int(innerSizes[Int(node)])
        var at = Self.firstNotBelow(key.primary, in: sepPrimaries, from: base + 1, count: n - 1)
        if at < base + n, sepPrimaries[at] == key.primary {
            // Separators with key's primary come first; find the first whose tie is above key's.
            var hi = base + n
            while at < hi {
                let mid = (at + hi) >> 1
                if sepPrimaries[mid] == key.primary && !(key.tie < sepTies[mid]) { at = mid + 1 } else { hi = mid }
            }
        }
        return at - base - 1
    }

    /// The first position in `leaf` whose key is not below `key`.
    @inline(__always)
    func lowerBound(_ key: RankKey, in leaf: Int32) -> Int {
        let base = Int(leaf) * leafCapacity
        let n = Int(leafCounts[Int(leaf)])
        var at = Self.firstNotBelow(key.primary, in: leafPrimaries, from: base, count: n)
        if at < base + n, leafPrimaries[at] == key.primary {
            var hi = base + n
            while at < hi {
                let mid = (at + hi) >> 1
                if leafPrimaries[mid] == key.primary && leafKey(mid).tie < key.tie { at = mid + 1 } else { hi = mid }
            }
        }
        return at - base
    }

    /// Where `key`, which the caller believes present, sits in `leaf`: found by its slot (unique
    /// in the tree), then checked whole. - Returns: nil when absent.
    @inline(__always)
    func index(of key: RankKey, in leaf: Int32) -> Int? {
        let base = Int(leaf) * leafCapacity
        let n = Int(leafCounts[Int(leaf)])
        let slot = key.tie.slot
        guard n > 0 else { return nil }
        let at = leafSlots.withUnsafeBufferPointer { buffer in
            let slots = buffer.baseAddress! + base
            var i = 0
            while i < n, slots[i] != slot { i &+= 1 }
            return i
        }
        return at < n && leafKey(base + at) == key ? at : nil
    }

    /// The first index in `array[start ..< start + n]` (sorted) holding `primary` or more, else
    /// `start + n`, by counting the smaller ones. A whole node is a few cache lines; counting
    /// loads them all at once, where a binary search waits for one line before it asks for the
    /// next (each a trip to memory on a large board), and its branches mispredict besides.
    @inline(__always)
    static func firstNotBelow(_ primary: Int64, in array: [Int64], from start: Int, count n: Int) -> Int {
        guard n > 0 else { return start }
        return array.withUnsafeBufferPointer { buffer in
            let values = buffer.baseAddress! + start
            var below = 0
            var i = 0
            while i < n {
                below &+= values[i] < primary ? 1 : 0
                i &+= 1
            }
            return start + below
        }
    }

    /// The keys before child `i` of inner node `node`.
    @inline(__always)
    func countBefore(child i: Int, of node: Int32) -> Int {
        let base = Int(node) * innerCapacity
        var sum = 0
        for c in base..<(base + i) { sum += Int(innerCounts[c]) }
        return sum
    }

    /// The 0-based position of `key` in the whole order, nil when absent.
    func position(of key: RankKey) -> Int? {
        var node = root
        var before = 0
        for _ in 0..<height {
            let i = childIndex(for: key, in: node)
            before += countBefore(child: i, of: node)
            node = innerChildren[Int(node) * innerCapacity + i]
        }
        return index(of: key, in: node).map { before + $0 }
    }

    /// Calls `body` with up to `limit` keys in order, from 0-based `position`.
    func visit(from position: Int, limit: Int, _ body: (RankKey) -> Void) {
        guard position >= 0, position < count, limit > 0 else { return }
        var leaf = firstLeaf
        var at = position
        if at > 0 {
            leaf = root
            for _ in 0..<height {
                var c = Int(leaf) * innerCapacity
                while at >= Int(innerCounts[c]) {
                    at -= Int(innerCounts[c])
                    c += 1
                }
                leaf = innerChildren[c]
            }
        }
        var remaining = limit
        while remaining > 0, leaf >= 0 {
            let base = Int(leaf) * leafCapacity
            let end = min(Int(leafCounts[Int(leaf)]), at + remaining)
            if at < end {
                for i in (base + at)..<(base + end) { body(leafKey(i)) }
                remaining -= end - at
            }
            at = 0
            leaf = leafNext[Int(leaf)]
        }
    }
}
