extension RankTree {
    /// Moves the entry at `old` to `new` (a score change). When `new` belongs in the same leaf,
    /// which the separators met on the way down decide, it slides within the leaf and no count
    /// changes; otherwise it is a remove and an insert.
    /// - Returns: the new key's 0-based position.
    @discardableResult
    mutating func replace(_ old: RankKey, with new: RankKey) -> Int {
        var node = root
        var before = 0
        var low: RankKey?
        var high: RankKey?
        for _ in 0..<height {
            let base = Int(node) * innerCapacity
            let i = childIndex(for: old, in: node)
            before += countBefore(child: i, of: node)
            if i > 0 { low = separator(base + i) }
            if i + 1 < Int(innerSizes[Int(node)]) { high = separator(base + i + 1) }
            node = innerChildren[base + i]
        }
        let base = Int(node) * leafCapacity
        let staysHere = (low.map { !(new < $0) } ?? true) && (high.map { new < $0 } ?? true)
        guard staysHere, let at = index(of: old, in: node) else {
            remove(old)
            return insert(new)
        }
        var to = lowerBound(new, in: node)
        if to > at {
            to -= 1
            moveKeys(from: base + at + 1, to: base + at, count: to - at)
        } else {
            moveKeys(from: base + to, to: base + to + 1, count: at - to)
        }
        setLeafKey(base + to, new)
        return before + to
    }
}
