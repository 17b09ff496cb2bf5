extension RankTree {
    /// Every structural invariant, checked from scratch in O(n), for tests: keys ascending and
    /// within their separators' bounds, subtree counts exact, every node but the root at least
    /// its minimum size, all leaves at the same depth and chained in order from `firstLeaf`.
    /// - Returns: the problems found, empty when the tree is sound.
    func problems() -> [String] {
        var problems: [String] = []
        var leaves: [Int32] = []
        let total = check(root, height: height, above: nil, below: nil, isRoot: true, leaves: &leaves, problems: &problems)
        if total != count { problems.append("count \(count) but the tree holds \(total)") }
        var chain: [Int32] = []
        var leaf = firstLeaf
        while leaf >= 0, chain.count <= leaves.count {
            chain.append(leaf)
            leaf = leafNext[Int(leaf)]
        }
        if chain != leaves { problems.append("leaf chain \(chain.prefix(8))… differs from the tree's leaves \(leaves.prefix(8))…") }
        return problems
    }

    /// The number of keys under `node`, checking them against the bounds `above <= key < below`.
    private func check(_ node: Int32, height h: Int, above: RankKey?, below: RankKey?, isRoot: Bool,
                       leaves: inout [Int32], problems: inout [String]) -> Int {
        let n = size(node, height: h)
        if !isRoot, n < minimumSize(height: h) { problems.append("node \(node) at height \(h) holds \(n), below the minimum") }
        if h == 0 {
            leaves.append(node)
            let base = Int(node) * leafCapacity
            for i in 0..<n {
                let key = leafKey(base + i)
                if i > 0, !(leafKey(base + i - 1) < key) { problems.append("leaf \(node) out of order at \(i)") }
                if let above, key < above { problems.append("leaf \(node) key \(i) below its separator") }
                if let below, !(key < below) { problems.append("leaf \(node) key \(i) not below the next separator") }
            }
            return n
        }
        let base = Int(node) * innerCapacity
        var total = 0
        for i in 0..<n {
            if i >= 2, !(separator(base + i - 1) < separator(base + i)) { problems.append("node \(node) separators out of order at \(i)") }
            let low = i == 0 ? above : separator(base + i)
            let high = i + 1 < n ? separator(base + i + 1) : below
            let sub = check(innerChildren[base + i], height: h - 1, above: low, below: high, isRoot: false, leaves: &leaves, problems: &problems)
            if sub != Int(innerCounts[base + i]) { problems.append("node \(node) child \(i) counted \(innerCounts[base + i]) but holds \(sub)") }
            total += sub
        }
        return total
    }
}
