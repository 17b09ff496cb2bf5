extension RankTree {
    /// Removes `key`; false when it is not in the tree.
    @discardableResult
    mutating func remove(_ key: RankKey) -> Bool {
        guard remove(key, from: root, height: height) else { return false }
        count -= 1
        while height > 0, innerSizes[Int(root)] == 1 {
            let only = innerChildren[Int(root) * innerCapacity]
            freeInners.append(root)
            root = only
            height -= 1
        }
        return true
    }

    private mutating func remove(_ key: RankKey, from node: Int32, height h: Int) -> Bool {
        if h == 0 { return remove(key, fromLeaf: node) }
        let i = childIndex(for: key, in: node)
        let base = Int(node) * innerCapacity
        let child = innerChildren[base + i]
        guard remove(key, from: child, height: h - 1) else { return false }
        innerCounts[base + i] -= 1
        if size(child, height: h - 1) < minimumSize(height: h - 1) {
            rebalance(childAt: i, of: node, childHeight: h - 1)
        }
        return true
    }

    private mutating func remove(_ key: RankKey, fromLeaf leaf: Int32) -> Bool {
        guard let at = index(of: key, in: leaf) else { return false }
        let n = Int(leafCounts[Int(leaf)])
        let base = Int(leaf) * leafCapacity
        moveKeys(from: base + at + 1, to: base + at, count: n - at - 1)
        leafCounts[Int(leaf)] = Int32(n - 1)
        return true
    }

    /// Merges the underfull child `i` of `parent` with a neighbour when both fit in three
    /// quarters of a node (so the next insert does not split it again), else shares their
    /// entries evenly.
    private mutating func rebalance(childAt i: Int, of parent: Int32, childHeight h: Int) {
        guard innerSizes[Int(parent)] >= 2 else { return }
        let pair = i > 0 ? i - 1 : i
        let base = Int(parent) * innerCapacity
        let left = innerChildren[base + pair]
        let right = innerChildren[base + pair + 1]
        let total = size(left, height: h) + size(right, height: h)
        if total <= (h == 0 ? leafCapacity : innerCapacity) * 3 / 4 {
            if h == 0 {
                mergeLeaves(left, right)
            } else {
                mergeInners(left, right, separator: separator(base + pair + 1))
            }
            innerCounts[base + pair] += innerCounts[base + pair + 1]
            removeChild(at: pair + 1, of: parent)
        } else if h == 0 {
            shareLeaves(left, right, total: total)
            innerCounts[base + pair] = leafCounts[Int(left)]
            innerCounts[base + pair + 1] = leafCounts[Int(right)]
            setSeparator(base + pair + 1, leafKey(Int(right) * leafCapacity))
        } else {
            let (moved, newSeparator) = shareInners(left, right, total: total, separator: separator(base + pair + 1))
            innerCounts[base + pair] += moved
            innerCounts[base + pair + 1] -= moved
            setSeparator(base + pair + 1, newSeparator)
        }
    }

    private mutating func mergeLeaves(_ left: Int32, _ right: Int32) {
        let a = Int(leafCounts[Int(left)])
        let b = Int(leafCounts[Int(right)])
        moveKeys(from: Int(right) * leafCapacity, to: Int(left) * leafCapacity + a, count: b)
        leafCounts[Int(left)] = Int32(a + b)
        leafNext[Int(left)] = leafNext[Int(right)]
        freeLeaves.append(right)
    }

    private mutating func mergeInners(_ left: Int32, _ right: Int32, separator: RankKey) {
        let a = Int(innerSizes[Int(left)])
        let b = Int(innerSizes[Int(right)])
        let at = Int(left) * innerCapacity + a
        moveChildren(from: Int(right) * innerCapacity, to: at, count: b)
        setSeparator(at, separator)
        innerSizes[Int(left)] = Int32(a + b)
        freeInners.append(right)
    }

    /// Leaves `total / 2` keys in `left` and the rest in `right`.
    private mutating func shareLeaves(_ left: Int32, _ right: Int32, total: Int) {
        let a = Int(leafCounts[Int(left)])
        let b = Int(leafCounts[Int(right)])
        let target = total / 2
        let leftBase = Int(left) * leafCapacity
        let rightBase = Int(right) * leafCapacity
        if a > target {
            let m = a - target
            moveKeys(from: rightBase, to: rightBase + m, count: b)
            moveKeys(from: leftBase + target, to: rightBase, count: m)
        } else {
            let m = target - a
            moveKeys(from: rightBase, to: leftBase + a, count: m)
            moveKeys(from: rightBase + m, to: rightBase, count: b - m)
        }
        leafCounts[Int(left)] = Int32(target)
        leafCounts[Int(right)] = Int32(total - target)
    }

    /// Leaves `total / 2` children in `left` and the rest in `right`, rotating through the
    /// parent's `separator`. - Returns: entries moved into `left` (negative when they went right)
    /// and the new separator between the two.
    private mutating func shareInners(_ left: Int32, _ right: Int32, total: Int, separator: RankKey) -> (Int32, RankKey) {
        let a = Int(innerSizes[Int(left)])
        let b = Int(innerSizes[Int(right)])
        let target = total / 2
        let leftBase = Int(left) * innerCapacity
        let rightBase = Int(right) * innerCapacity
        var moved: Int32 = 0
        let newSeparator: RankKey
        if a > target {
            let m = a - target
            moveChildren(from: rightBase, to: rightBase + m, count: b)
            setSeparator(rightBase + m, separator)
            moveChildren(from: leftBase + target, to: rightBase, count: m)
            for c in rightBase..<(rightBase + m) { moved -= innerCounts[c] }
            newSeparator = self.separator(rightBase)
        } else {
            let m = target - a
            for c in rightBase..<(rightBase + m) { moved += innerCounts[c] }
            moveChildren(from: rightBase, to: leftBase + a, count: m)
            setSeparator(leftBase + a, separator)
            newSeparator = self.separator(rightBase + m)
            moveChildren(from: rightBase + m, to: rightBase, count: b - m)
        }
        innerSizes[Int(left)] = Int32(target)
        innerSizes[Int(right)] = Int32(total - target)
        return (moved, newSeparator)
    }

    private mutating func removeChild(at p: Int, of node: Int32) {
        let base = Int(node) * innerCapacity
        let n = Int(innerSizes[Int(node)])
        moveChildren(from: base + p + 1, to: base + p, count: n - p - 1)
        innerSizes[Int(node)] = Int32(n - 1)
    }
}
