@testable import Books
import EngineTesting
import GRDB
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

@Suite struct JournalTailTests {
    /// What `Journal.read` answers on a snapshot whose newest row is `latest`: rows are only
    /// ever appended, so that snapshot holds exactly the rows up to `latest`.
    private static func expected(
        _ db: Database, after position: JournalPosition, limit: Int, types: Set<String>?, latest: Int64
    ) throws -> (entries: [JournalEntry], rows: Int) {
        if let types, types.isEmpty { return ([], 0) }
        let rows = try Journal.rows(db, after: position.rowsAfter, through: latest, limit: limit, types: types)
        return (try Journal.unpacked(rows, after: position), rows.count)
    }

    @Test("the tail answers every read as the journal does, at every position, limit, type filter and snapshot age")
    func answersAsTheJournal() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            // Small bounds, so fills run several times a read and the tail trims and starts over.
            let tail = JournalTail(rowsMax: 16, fillMax: 5)
            let typeSets: [Set<String>?] = [nil, ["a"], ["a", "p"], ["b", "c"], ["p"], []]
            // The consumers' state, read and changed inside the synchronous read below.
            final class Run: @unchecked Sendable {
                var rng = SeededRandom(seed: 0x7A11)
                var positions = [JournalPosition](repeating: .start, count: 4)
                var reads = 0
                var nonEmpty = 0
            }
            let run = Run()
            for step in 0..<300 {
                // Each append: a row of type a, b or c, or (0) a packed row of 1...4 facts.
                let appends = (0..<Int.random(in: 0...6, using: &run.rng)).map { _ in
                    Int.random(in: 0..<5, using: &run.rng) == 0 ? Int.random(in: 1...4, using: &run.rng) : -Int.random(in: 1...3, using: &run.rng)
                }
                try await store.write { db in
                    for (n, a) in appends.enumerated() {
                        if a > 0 {
                            let facts = (0..<a).map { (hostJSON: "{\"s\":\(step),\"f\":\($0)}", at: Int64(step)) }
                            _ = try Journal.appendPacked(db, type: "p", facts: facts)
                        } else {
                            _ = try Journal.append(db, type: ["a", "b", "c"][-a - 1], payloadJSON: "{\"s\":\(step),\"n\":\(n)}", at: Int64(step))
                        }
                    }
                }
                try await store.read { db in
                    let newest = try Journal.latestOffset(db)
                    for c in run.positions.indices {
                        // Now and then a consumer starts far behind (below what the tail keeps).
                        if Int.random(in: 0..<40, using: &run.rng) == 0 { run.positions[c] = .start }
                        // An older snapshot: a consumer whose read began before the last commits.
                        let latest = max(run.positions[c].offset, newest - Int64(Int.random(in: 0...3, using: &run.rng)))
                        let limit = Int.random(in: 1...7, using: &run.rng)
                        let types = typeSets[Int.random(in: 0..<typeSets.count, using: &run.rng)]
                        let got = try tail.read(db, after: run.positions[c], limit: limit, types: types, latest: latest)
                        let want = try Self.expected(db, after: run.positions[c], limit: limit, types: types, latest: latest)
                        #expect(got.entries == want.entries, "step \(step), consumer \(c), after \(run.positions[c]), limit \(limit), types \(String(describing: types))")
                        #expect(got.rows == want.rows)
                        run.reads += 1
                        if !got.entries.isEmpty { run.nonEmpty += 1 }
                        // Move on as the runner does: to the last fact read, or, after a short
                        // page, to the end of the snapshot; now and then only part of a page.
                        if let last = got.entries.last {
                            let part = Int.random(in: 0..<4, using: &run.rng) == 0 ? got.entries[Int.random(in: 0..<got.entries.count, using: &run.rng)] : last
                            run.positions[c] = part.position
                        } else if got.rows < limit {
                            run.positions[c] = max(run.positions[c], JournalPosition(offset: latest))
                        }
                    }
                }
            }
            let counts = tail.counts
            #expect(run.reads == 1_200 && run.nonEmpty > 600, "\(run.nonEmpty)")
            #expect(counts.hits > 600 && counts.misses > 10, "\(counts)")
        }
    }

    @Test("a read of a bad limit is refused, and an empty type filter reads nothing")
    func limits() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in _ = try Journal.append(db, type: "a", payloadJSON: "{}", at: 1) }
            let tail = JournalTail()
            try await store.read { db in
                for bad in [0, -1, Journal.readLimitMax + 1] {
                    #expect(throws: JournalError.self) { try tail.read(db, after: .start, limit: bad, types: nil, latest: 1) }
                }
                let none = try tail.read(db, after: .start, limit: 5, types: [], latest: 1)
                #expect(none.entries.isEmpty && none.rows == 0)
                let all = try tail.read(db, after: .start, limit: Journal.readLimitMax, types: nil, latest: 1)
                #expect(all.entries.map(\.offset) == [1] && all.rows == 1)
            }
        }
    }
}
