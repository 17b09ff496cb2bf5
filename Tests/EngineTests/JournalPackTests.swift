@testable import Books
import EngineTesting
import GRDB
@testable import Scripting
@testable import Storage
import Synchronization
import Testing
@testable import Engine

/// A consumer whose effect is one `pack_effects` row per applied fact, naming the fact by its
/// row and index; facts whose payload's `i` is poisoned fail, a crash fact aborts the batch.
private struct FactConsumer: JournalConsumer {
    struct State {
        var poison: Set<Int> = []
        var crashAt: Int?
        var calls: [Int: Int] = [:]
    }

    final class Holder: Sendable {
        let state: Mutex<State>
        init(_ s: State) { state = Mutex(s) }
    }

    let name: String
    let holder: Holder
    let wide: Bool
    var widensBatches: Bool { wide }
    var types: Set<String>? { nil }

    init(name: String = "facts", poison: Set<Int> = [], crashAt: Int? = nil, wide: Bool = true) {
        self.name = name
        self.wide = wide
        holder = Holder(State(poison: poison, crashAt: crashAt))
    }

    func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        let db = tx.sqliteDatabase
        let i = try Self.number(entry)
        let (poisoned, crash) = holder.state.withLock { s in
            s.calls[i, default: 0] += 1
            return (s.poison.contains(i), s.crashAt == i)
        }
        if crash { throw SimulatedCrash() }
        if poisoned { throw PoisonError(offset: Int64(i)) }
        try db.execute(
            sql: "INSERT INTO pack_effects (consumer, offset, fact_index, i, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [name, entry.offset, entry.index, i, entry.createdAt])
    }

    func heal() { holder.state.withLock { $0.poison = []; $0.crashAt = nil } }
    func calls(_ i: Int) -> Int { holder.state.withLock { $0.calls[i] ?? 0 } }

    static func number(_ entry: JournalEntry) throws -> Int {
        guard case .table(let t) = try LuaValue(json: entry.payload), case .integer(let i)? = t.fields["i"] else {
            throw PoisonError(offset: -1)
        }
        return Int(i)
    }
}

extension Store {
    /// Creates `pack_effects`, then appends single facts `i` = 0..<before, a pack of `packed`
    /// facts, and single facts after it, numbering `i` on.
    fileprivate func seedPack(before: Int, packed: Int, after: Int) async throws {
        try await write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS pack_effects (
                    consumer TEXT NOT NULL, offset INTEGER NOT NULL, fact_index INTEGER NOT NULL, i INTEGER NOT NULL, at INTEGER NOT NULL)
                """)
            var i = 0
            for _ in 0..<before {
                _ = try Journal.append(db, type: "t", payloadJSON: "{\"i\":\(i)}", at: Int64(1000 + i))
                i += 1
            }
            let facts = (i..<(i + packed)).map { (hostJSON: "{\"i\":\($0)}", at: Int64(1000 + $0)) }
            try Journal.appendPacked(db, type: "t", facts: facts)
            i += packed
            for _ in 0..<after {
                _ = try Journal.append(db, type: "t", payloadJSON: "{\"i\":\(i)}", at: Int64(1000 + i))
                i += 1
            }
        }
    }

    /// Every applied `i` of `consumer`, in the order applied.
    fileprivate func applied(_ consumer: String) async throws -> [Int] {
        try await read { db in
            try Int.fetchAll(db, sql: "SELECT i FROM pack_effects WHERE consumer = ? ORDER BY rowid", arguments: [consumer])
        }
    }
}

@Suite struct JournalPackTests {
    @Test("packed facts read back one by one, in order, with their own times, sharing their row's offset")
    func packsReadAsSeparateFacts() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let n = Journal.packFactsMax * 2 + 3
            let facts = (0..<n).map { (hostJSON: "{\"i\":\($0)}", at: Int64(5_000 + $0)) }
            let rows = try await store.write { db in
                _ = try Journal.append(db, type: "other", payloadJSON: "{}", at: 1)
                return try Journal.appendPacked(db, type: "t", facts: facts)
            }
            // At most packFactsMax facts a row: two full rows and one of three.
            #expect(rows == 3)
            #expect(try await store.write { db in try Journal.appendPacked(db, type: "t", facts: []) } == 0)
            let stored = try await store.read { db in
                try Row.fetchAll(db, sql: "SELECT facts, created_at, idempotency_key FROM journal WHERE type = 't' ORDER BY offset")
                    .map { (facts: $0[0] as Int, at: $0[1] as Int64, key: $0[2] as String?) }
            }
            #expect(stored.map(\.facts) == [Journal.packFactsMax, Journal.packFactsMax, 3])
            #expect(stored.map(\.at) == [5_000, Int64(5_000 + Journal.packFactsMax), Int64(5_000 + 2 * Journal.packFactsMax)])
            #expect(stored.allSatisfy { $0.key == nil })

            let read = try await store.read { db in try Journal.read(db, after: 0, limit: 10, types: ["t"]) }
            #expect(read.count == n)
            #expect(read.map(\.payload) == (0..<n).map { "{\"i\":\($0)}" })
            #expect(read.map(\.createdAt) == (0..<n).map { Int64(5_000 + $0) })
            #expect(read.map(\.index) == (0..<n).map { $0 % Journal.packFactsMax })
            #expect(read.allSatisfy { $0.idempotencyKey == nil && $0.type == "t" })
            #expect(read[0].offset == 2 && read[Journal.packFactsMax].offset == 3 && read[n - 1].offset == 4)
            #expect(read[0].rowFacts == Journal.packFactsMax && read[n - 1].rowFacts == 3)
            // Names: a row's first fact by its offset, later ones by offset.index.
            #expect(read[0].name == "2" && read[1].name == "2.1" && read[n - 1].name == "4.2")
            // Positions: inside a row by index; the row's last fact stands for the whole row.
            #expect(read[1].position == JournalPosition(offset: 2, index: 1))
            #expect(read[Journal.packFactsMax - 1].position == JournalPosition(offset: 2))

            // One row read counts once, whatever it holds.
            let (firstPage, rowCount) = try await store.read { db in try Journal.read(db, after: .start, limit: 2, types: nil) }
            #expect(rowCount == 2 && firstPage.count == 1 + Journal.packFactsMax)
        }
    }

    @Test("a read from inside a pack returns the rest of that row, then whole rows")
    func readFromInsideAPack() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seedPack(before: 1, packed: 10, after: 2)
            let (rest, rows) = try await store.read { db in
                try Journal.read(db, after: JournalPosition(offset: 2, index: 6), limit: 2, types: nil)
            }
            #expect(rows == 2)
            #expect(try rest.map(FactConsumer.number) == [8, 9, 10, 11])
            #expect(rest.map(\.index) == [7, 8, 9, 0])
            // The whole row done: the next row.
            let next = try await store.read { db in try Journal.read(db, after: JournalPosition(offset: 2), limit: 1, types: nil) }
            #expect(try next.entries.map(FactConsumer.number) == [11])
            // A type filter applies to packs as to rows.
            #expect(try await store.read { db in try Journal.read(db, after: 0, limit: 10, types: ["other"]) }.isEmpty)
            // One fact by row and index.
            let fact = try await store.read { db in try Journal.fact(db, at: 2, index: 9) }
            #expect(fact?.payload == "{\"i\":10}" && fact?.createdAt == 1010 && fact?.index == 9)
            #expect(try await store.read { db in try Journal.fact(db, at: 2, index: 10) } == nil)
            #expect(try await store.read { db in try Journal.fact(db, at: 1, index: 0) }?.payload == "{\"i\":0}")
            #expect(try await store.read { db in try Journal.fact(db, at: 1, index: 1) } == nil)
            #expect(try await store.read { db in try Journal.fact(db, at: 99, index: 0) } == nil)
        }
    }

    @Test("a pack stays within the payload bound; one fact too large for a row is refused and nothing is written")
    func packsSplitByBytes() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let filler = String(repeating: "x", count: 10_000)
            let facts = (0..<20).map { (hostJSON: "{\"i\":\($0),\"f\":\"\(filler)\"}", at: Int64($0)) }
            let rows = try await store.write { db in try Journal.appendPacked(db, type: "t", facts: facts) }
            let sizes = try await store.read { db in
                try Int.fetchAll(db, sql: "SELECT length(payload) FROM journal ORDER BY offset")
            }
            #expect(rows == sizes.count && rows == 4)
            #expect(sizes.allSatisfy { $0 <= Journal.payloadBytesMax })
            let read = try await store.read { db in try Journal.read(db, after: 0, limit: 10) }
            #expect(try read.map(FactConsumer.number) == Array(0..<20))

            // The largest fact that fits alone, and one byte more.
            let frame = "[9,{\"i\":0,\"f\":\"\"}]".utf8.count + 2
            let fits = "{\"i\":0,\"f\":\"\(String(repeating: "y", count: Journal.payloadBytesMax - frame))\"}"
            let tooLarge = "{\"i\":0,\"f\":\"\(String(repeating: "y", count: Journal.payloadBytesMax - frame + 1))\"}"
            #expect(try await store.write { db in try Journal.appendPacked(db, type: "t", facts: [(fits, 9)]) } == 1)
            let before = try await store.read(Journal.latestOffset)
            await #expect(throws: JournalError.self) {
                try await store.write { db in try Journal.appendPacked(db, type: "t", facts: [("{\"i\":1}", 9), (tooLarge, 9)]) }
            }
            #expect(try await store.read(Journal.latestOffset) == before)
            await #expect(throws: JournalError.invalidType("")) {
                try await store.write { db in try Journal.appendPacked(db, type: "", facts: [("{}", 1)]) }
            }
        }
    }

    @Test("a malformed pack is an invalid payload naming its offset", arguments: [
        ("[[1,{\"i\":0}],[2,{\"i\":1}]]", 3),
        ("[[1,{\"i\":0}],[2,{\"i\":1}]]", 1),
        ("[[1,{\"i\":0}]", 1),
        ("[[\"1\",{\"i\":0}]]", 1),
        ("[[1,[0]]]", 1),
        ("[[1,{\"i\":0}]] x", 1),
        ("{}", 1),
        ("[[1,{\"i\":0}]]", 0),
        ("[[1,{\"i\":0}]]", Journal.packFactsMax + 1),
    ])
    func malformedPacks(payload: String, facts: Int) async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.write { db in
                if facts >= 1 {
                    try db.execute(
                        sql: "INSERT INTO journal (type, payload, created_at, facts) VALUES ('t', ?, 1, ?)", arguments: [payload, facts])
                } else {
                    // The table refuses a pack of no facts.
                    #expect(throws: DatabaseError.self) {
                        try db.execute(sql: "INSERT INTO journal (type, payload, created_at, facts) VALUES ('t', ?, 1, 0)", arguments: [payload])
                    }
                    try db.execute(sql: "INSERT INTO journal (type, payload, created_at, facts) VALUES ('t', '[[1,{\"i\":0},1]]', 1, 1)")
                }
            }
            do {
                _ = try await store.read { db in try Journal.read(db, after: 0, limit: 10) }
                Issue.record("a malformed pack must not read")
            } catch JournalError.invalidPayload(let reason) {
                #expect(reason.hasPrefix("offset 1:"))
            }
        }
    }

    @Test("a runner applies every fact of a pack once, across pages and wide batches")
    func runnerAppliesPacksOnce() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seedPack(before: 3, packed: 40, after: 5)
            let consumer = FactConsumer()
            let runner = ConsumerRunner(store: store, consumers: [consumer], batchSize: 2, logger: .quiet())
            try await runner.drain()
            #expect(try await store.applied("facts") == Array(0..<48))
            #expect(try await runner.lag() == ["facts": 0])
            let cursor = try await store.read { db in try ConsumerRunner.position(of: "facts", in: db) }
            #expect(cursor == JournalPosition(offset: 9))
            // The times handed to the consumer are each fact's own.
            let times = try await store.read { db in try Int64.fetchAll(db, sql: "SELECT at FROM pack_effects ORDER BY rowid") }
            #expect(times == (0..<48).map { Int64(1000 + $0) })
        }
    }

    @Test("a failing fact inside a pack stops the cursor inside the row, is parked alone, and a retry applies it once")
    func poisonInsideAPack() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seedPack(before: 2, packed: 10, after: 2)
            // Facts 2...11 are the pack (row 3); fact 6 is its index 4.
            let consumer = FactConsumer(poison: [6])
            let runner = ConsumerRunner(store: store, consumers: [consumer], maxAttempts: 3, clock: ManualClock(), logger: .quiet())

            let first = try await runner.drainOnce()
            #expect(first.failed == 1 && !first.caughtUp)
            #expect(try await store.applied("facts") == [0, 1, 2, 3, 4, 5])
            let stopped = try await store.read { db in
                try Row.fetchOne(db, sql: "SELECT offset, fact_index FROM consumer_cursors WHERE name = 'facts'").map { [$0[0] as Int, $0[1] as Int] }
            }
            #expect(stopped == [3, 3])
            let failure = try await store.read { db in
                try Row.fetchOne(db, sql: "SELECT offset, fact_index, attempts FROM consumer_failures").map { [$0[0] as Int, $0[1] as Int, $0[2] as Int] }
            }
            #expect(failure == [3, 4, 1])

            try await runner.drain()
            #expect(try await store.applied("facts") == [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13])
            let parked = try #require(try await runner.parked().first)
            #expect(parked.offset == 3 && parked.factIndex == 4 && parked.type == "t" && parked.attempts == 3)
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consumer_failures") } == 0)
            // Once in the batch's savepoint (rolled back), then one attempt each.
            #expect(consumer.calls(6) == 4)

            consumer.heal()
            guard case .resolved = try await runner.retry(parkedID: parked.id) else {
                Issue.record("a healed consumer resolves the parked fact")
                return
            }
            #expect(try await store.applied("facts").sorted() == Array(0..<14))
            #expect(consumer.calls(6) == 5)
            try await runner.drain()
            #expect(try await store.applied("facts").count == 14)
        }
    }

    @Test("a crash inside a pack loses the batch whole; the next runner applies each fact once")
    func crashInsideAPack() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            try await store.seedPack(before: 1, packed: 30, after: 1)
            let crashing = FactConsumer(crashAt: 17, wide: false)
            let runner = ConsumerRunner(store: store, consumers: [crashing], batchSize: 1, logger: .quiet())
            await #expect(throws: SimulatedCrash.self) { try await runner.drain() }
            // The pack is one row: the crash on its fact 16 undid its first 16 facts too.
            #expect(try await store.applied("facts") == [0])
            let restarted = ConsumerRunner(store: store, consumers: [FactConsumer()], batchSize: 1, logger: .quiet())
            try await restarted.drain()
            #expect(try await store.applied("facts") == Array(0..<32))
        }
    }

    @Test("each fact of a pack draws its own seed; a fact alone in its row keeps the seed of its offset")
    func seedsOfPackedFacts() {
        let alone = JournalEntry(offset: 42, type: "t", payload: "{}", createdAt: 0, idempotencyKey: nil)
        #expect(Seeds.seed(alone, prefix: "task:a:", suffix: "") == Seeds.seed(offset: 42, prefix: "task:a:", suffix: ""))
        let seeds = (0..<3).map { i in
            Seeds.seed(JournalEntry(offset: 42, type: "t", payload: "{}", createdAt: 0, idempotencyKey: nil, index: i, rowFacts: 3),
                prefix: "task:a:", suffix: "")
        }
        #expect(Set(seeds).count == 3)
        #expect(seeds[0] == Seeds.seed(alone, prefix: "task:a:", suffix: ""))
        #expect(seeds[2] == Seeds.seed(offset: 42, name: "task:a:42.2"))
    }
}
