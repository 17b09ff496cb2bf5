import Engine
import Foundation
import Scripting

/// Members, their starting scores, and the triples, drawn up front so neither side pays for
/// the random numbers.
struct LeaderboardWorkload: Sendable {
    let members: Int
    let ops: Int
    let names: [String]
    let initialScores: [Int64]
    let opMembers: [Int32]
    let opDeltas: [Int64]

    init(members: Int, ops: Int, zipf: Double, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        self.members = members
        self.ops = ops
        names = (0..<members).map { "m\($0)" }
        initialScores = (0..<members).map { _ in rng.next(upTo: 1_000_000) }
        opDeltas = (0..<ops).map { _ in 1 + rng.next(upTo: 100) }
        if zipf > 0 {
            // Inverse of the cumulative distribution: member i is drawn with weight 1 / (i+1)^s.
            var cumulative = [Double](repeating: 0, count: members)
            var sum = 0.0
            for i in 0..<members {
                sum += 1 / pow(Double(i + 1), zipf)
                cumulative[i] = sum
            }
            opMembers = (0..<ops).map { _ in
                let u = Double(rng.next() >> 11) / Double(1 << 53) * sum
                var lo = 0
                var hi = members - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
                }
                return Int32(lo)
            }
        } else {
            opMembers = (0..<ops).map { _ in Int32(rng.next(upTo: Int64(members))) }
        }
    }
}
