import Foundation

/// An Aho–Corasick automaton over Unicode scalars (lower-cased), built once per word list:
/// one pass over a message finds every occurrence of every word, whatever the list's size.
public struct KeywordAutomaton: Sendable {
    /// One occurrence: the rule and the scalar range it covers in the lower-cased text.
    public struct Match: Sendable, Equatable {
        /// Index of the rule in the list the automaton was built from.
        public let rule: Int
        /// Scalar offsets `[start, end)` in the text.
        public let range: Range<Int>
    }

    private var next: [[UInt32: Int32]] = [[:]]
    private var fail: [Int32] = [0]
    /// Rules ending at each node (including those reached through failure links), with lengths.
    private var outputs: [[(rule: Int, length: Int)]] = [[]]
    /// The rules the automaton was built from.
    public let rules: [KeywordRule]

    /// Builds the automaton for `rules` (words trimmed and lower-cased).
    public init(rules: [KeywordRule]) {
        self.rules = rules
        for (index, rule) in rules.enumerated() {
            let scalars = Self.normalise(rule.word.trimmingCharacters(in: .whitespaces))
            guard !scalars.isEmpty else { continue }
            var node = 0
            for scalar in scalars {
                if let child = next[node][scalar] {
                    node = Int(child)
                } else {
                    next.append([:]); fail.append(0); outputs.append([])
                    next[node][scalar] = Int32(next.count - 1)
                    node = next.count - 1
                }
            }
            outputs[node].append((index, scalars.count))
        }
        linkFailures()
    }

    /// Breadth-first: each node's failure link is the longest proper suffix that is a prefix.
    private mutating func linkFailures() {
        var queue: [Int] = next[0].values.map { Int($0) }
        var cursor = 0
        while cursor < queue.count {
            let node = queue[cursor]
            cursor += 1
            for (scalar, child) in next[node] {
                var probe = Int(fail[node])
                while probe != 0, next[probe][scalar] == nil { probe = Int(fail[probe]) }
                let target = next[probe][scalar].map(Int.init) ?? 0
                fail[Int(child)] = Int32(target == Int(child) ? 0 : target)
                outputs[Int(child)] += outputs[Int(fail[Int(child)])]
                queue.append(Int(child))
            }
        }
    }

    /// Every occurrence of every word in `text`, in order of where they end.
    public func matches(in text: String) -> [Match] {
        matches(scalars: Self.normalise(text))
    }

    func matches(scalars: [UInt32]) -> [Match] {
        var found: [Match] = []
        var node = 0
        for (position, scalar) in scalars.enumerated() {
            while node != 0, next[node][scalar] == nil { node = Int(fail[node]) }
            node = next[node][scalar].map(Int.init) ?? 0
            for (rule, length) in outputs[node] {
                found.append(Match(rule: rule, range: (position + 1 - length)..<(position + 1)))
            }
        }
        return found
    }

    /// Lower-cased Unicode scalar values, one per scalar of `text` (so offsets line up).
    static func normalise(_ text: String) -> [UInt32] {
        text.unicodeScalars.map { scalar in
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            return lower.count == 1 ? lower.first!.value : scalar.value
        }
    }
}
