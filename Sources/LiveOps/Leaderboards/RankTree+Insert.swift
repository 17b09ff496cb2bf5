extension RankTree {
    /// A node split off to the right of another by an insert, for its parent to adopt.
    struct Split {
        var node: Int32
        /// At most its smallest key, above every key of the node it was split from.
        var lowerBound: RankKey
        var count: Int
    }

    /// Inserts `key`, which must not be in the tree yet. - Returns: its 0-based position.
    @discardableResult
    mutating func insert(_ key: RankKey) -> Int {
        count += 1
        var position = 0
        guard let split = insert(key, into: root, height: height, before: &position) else { return position }
        let node = allocateInner()
        let base = Int(node) * innerCapacity
        innerChildren[base] = root
        innerCounts[base] = Int32(count - split.count)
        innerChildren[base + 1] = split.node
        setSeparator(base + 1, split.lowerBound)
        innerCounts[base + 1] = Int32(split.count)
        innerSizes[Int(node)] = 2
        root = node
        height += 1
        return position
    }

    private mutating func insert(_ key: RankKey, into node: Int32, height h: Int, before: inout Int) -> Split? {
        if h == 0 { return insert(key, intoLeaf: node, before: &before) }
        let i = childIndex(for: key, in: node)
        before += countBefore(child: i, of: node)
        let at = Int(node) * innerCapacity + i
        let split = insert(key, into: innerChildren[at], height: h - 1, before: &before)
        innerCounts[at] += 1
        guard let split else { return nil }
        innerCounts[at] -= Int32(split.count)
        return adopt(split, into: node, at: i + 1)
    }

    private mutating func insert(_ key: RankKey, intoLeaf leaf: Int32, before: inout Int) -> Split? {
        let at = lowerBound(key, in: leaf)
        before += at
        let n = Int(leafCounts[Int(leaf)])
        if n < leafCapacity {
            place(key, at: at, inLeaf: leaf)
            return nil
        }
        let right = allocateLeaf()
        let keep = leafCapacity / 2
        let rightBase = Int(right) * leafCapacity
        moveKeys(from: Int(leaf) * leafCapacity + keep, to: rightBase, count: n - keep)
        leafCounts[Int(leaf)] = Int32(keep)
        leafCounts[Int(right)] = Int32(n - keep)
        leafNext[Int(right)] = leafNext[Int(leaf)]
        leafNext[Int(leaf)] = right
        if at <= keep {
            place(key, at: at, inLeaf: leaf)
        } else {
            place(key, at: at - keep, inLeaf: right)
        }
        return Split(node: right, lowerBound: leafKey(rightBase), count: Int(leafCounts[Int(right)]))
    }

    /// Puts `split` at child position `p` of `node`, splitting `node` in turn when it is full.
    private mutating func adopt(_ split: Split, into node: Int32, at p: Int) -> Split? {
        let n = Int(innerSizes[Int(node)])
        if n < innerCapacity {
            place(split, at: p, inInner: node)
            return nil
        }
        let right = allocateInner()
        let keep = innerCapacity / 2
        let rightBase = Int(right) * innerCapacity
        moveChildren(from: Int(node) * innerCapacity + keep, to: rightBase, count: n - keep)
        innerSizes[Int(node)] = Int32(keep)
        innerSizes[Int(right)] = Int32(n - keep)
        // p == keep appends to the left half, so the right half always starts with a child that
        // had a real separator (position >= 1) in the full node.
        if p <= keep {
            place(split, at: p, inInner: node)
        } else {
            place(split, at: p - keep, inInner: right)
        }
        var total = 0
        for c in rightBase..<(rightBase + Int(innerSizes[Int(right)])) { total += Int(innerCounts[c]) }
        return Split(node: right, lowerBound: separator(rightBase), count: total)
    }

    private mutating func place(_ key: RankKey, at p: Int, inLeaf leaf: Int32) {
        let base = Int(leaf) * leafCapacity
        let n = Int(leafCounts[Int(leaf)])
        moveKeys(from: base + p, to: base + p + 1, count: n - p)
        setLeafKey(base + p, key)
        leafCounts[Int(leaf)] = Int32(n + 1)
    }

    private mutating func place(_ split: Split, at p: Int, inInner node: Int32) {
        let base = Int(node) * innerCapacity
        let n = Int(innerSizes[Int(node)])
        moveChildren(from: base + p, to: base + p + 1, count: n - p)
        innerChildren[base + p] = split.node
        setSeparator(base + p, split.lowerBound)
        innerCounts[base + p] = Int32(split.count)
        innerSizes[Int(node)] = Int32(n + 1)
    }

    // MARK: Moves within the flat arrays (the ranges may overlap)

    mutating func moveKeys(from source: Int, to target: Int, count n: Int) {
        guard n > 0, source != target else { return }
        Self.move(&leafPrimaries, from: source, to: target, count: n)
        Self.move(&leafTimes, from: source, to: target, count: n)
        Self.move(&leafSlots, from: source, to: target, count: n)
    }

    mutating func moveChildren(from source: Int, to target: Int, count n: Int) {
        guard n > 0, source != target else { return }
        Self.move(&innerChildren, from: source, to: target, count: n)
        Self.move(&innerCounts, from: source, to: target, count: n)
        Self.move(&sepPrimaries, from: source, to: target, count: n)
        Self.move(&sepTies, from: source, to: target, count: n)
    }

    // Concrete overloads rather than one generic: a debug build would look up type metadata
    // on every call of a generic one.

    private static func move(_ array: inout [Int64], from source: Int, to target: Int, count n: Int) {
        precondition(source >= 0 && target >= 0 && max(source, target) + n <= array.count)
        array.withUnsafeMutableBytes { memmove(in: $0, from: source, to: target, count: n, stride: 8) }
    }

    private static func move(_ array: inout [Int32], from source: Int, to target: Int, count n: Int) {
        precondition(source >= 0 && target >= 0 && max(source, target) + n <= array.count)
        array.withUnsafeMutableBytes { memmove(in: $0, from: source, to: target, count: n, stride: 4) }
    }

    private static func move(_ array: inout [RankTie], from source: Int, to target: Int, count n: Int) {
        precondition(source >= 0 && target >= 0 && max(source, target) + n <= array.count)
        let stride = MemoryLayout<RankTie>.stride
        array.withUnsafeMutableBytes { memmove(in: $0, from: source, to: target, count: n, stride: stride) }
    }

    private static func move(_ array: inout [RankTime], from source: Int, to target: Int, count n: Int) {
        precondition(source >= 0 && target >= 0 && max(source, target) + n <= array.count)
        let stride = MemoryLayout<RankTime>.stride
        array.withUnsafeMutableBytes { memmove(in: $0, from: source, to: target, count: n, stride: stride) }
    }

    /// `copyMemory` is a memmove: the ranges may overlap.
    @inline(__always)
    private static func memmove(in bytes: UnsafeMutableRawBufferPointer, from source: Int, to target: Int, count n: Int, stride: Int) {
        (bytes.baseAddress! + target * stride).copyMemory(from: bytes.baseAddress! + source * stride, byteCount: n * stride)
    }
}
