@testable import Books
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

/// A script-test store with what its tests set up beside it: parked events come from the
/// consumers' runner and packed rows from the live-ops consumers, so the backend writes them.
struct ScriptTestBackend: Sendable {
    let store: any ScriptTestStore
    /// The ledger behind the transactions' `ledger` part.
    let ledger: Ledger
    /// Parks an event of `consumer` at journal offset 1.
    let park: @Sendable (String) async throws -> Void
    /// Journals `facts` (JSON objects, each with its time) of one type packed in one row.
    let appendPacked: @Sendable (String, [(hostJSON: String, at: Int64)]) async throws -> Void
}

/// What every `ScriptTestStore` backend must do (see the protocols' doc comments).
@Suite("ScriptTestStore conformance")
struct ScriptTestStoreConformanceTests {
    static let backends: [StoreBackend<ScriptTestBackend>] = [
        .sqlite { store in
            let ledger = Ledger(store: store)
            return ScriptTestBackend(
                store: SQLiteScriptTestStore(store, ledger: ledger),
                ledger: ledger,
                park: { consumer in
                    try await store.write { db in
                        try db.execute(
                            sql: "INSERT INTO parked_events (consumer, offset, type, error, attempts, parked_at) VALUES (?, 1, 'tick', 'boom', 1, 5)",
                            arguments: [consumer])
                    }
                },
                appendPacked: { type, facts in
                    try await store.write { db in try SQLiteTransaction(noLedger: db).appendPacked(type: type, facts: facts) }
                })
        }
    ]

    /// A fact's payload.
    struct Tick: Encodable, Sendable {
        let n: Int
    }

    @Test(arguments: backends)
    func journalPayloadsAreReadOldestFirstAPackedRowsFactsOneByOne(_ backend: StoreBackend<ScriptTestBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (test, _) = try backend.open(tmp)
            let store = test.store
            _ = try await store.write { tx in try tx.journal.append(type: "tick", payload: Tick(n: 1), idempotencyKey: nil, at: 10) }
            try await test.appendPacked("tick", [(hostJSON: #"{"n":2}"#, at: 20), (hostJSON: #"{"n":3}"#, at: 21)])
            try await store.write { tx in
                try tx.journal.append(type: "other", payload: Tick(n: 9), idempotencyKey: nil, at: 30)
                try tx.journal.append(type: "tick", payload: Tick(n: 4), idempotencyKey: nil, at: 40)
            }
            // Rolled back with its transaction.
            let error = await thrown {
                try await store.write { tx in
                    try tx.journal.append(type: "tick", payload: Tick(n: 5), idempotencyKey: nil, at: 50)
                    throw Aborted()
                }
            }
            #expect(error is Aborted)

            let all = try await store.read { tx in try tx.journalPayloads(type: "tick", limit: 100) }
            #expect(all == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#, #"{"n":4}"#])
            // The limit counts facts, not rows: it may stop inside a pack.
            let two = try await store.read { tx in try tx.journalPayloads(type: "tick", limit: 2) }
            #expect(two == [#"{"n":1}"#, #"{"n":2}"#])
            let none = try await store.read { tx in try tx.journalPayloads(type: "missing", limit: 100) }
            #expect(none == [])
        }
    }

    @Test(arguments: backends)
    func parkedEventsAfterAnIdAreReadInOrder(_ backend: StoreBackend<ScriptTestBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (test, _) = try backend.open(tmp)
            let store = test.store
            let empty = try await store.read { tx in try tx.parkedEvents(after: 0) }
            #expect(empty == [])
            for consumer in ["a", "b", "c"] { try await test.park(consumer) }
            let all = try await store.read { tx in try tx.parkedEvents(after: 0) }
            #expect(all.map(\.consumer) == ["a", "b", "c"])
            let fields = all.map { "\($0.status) \($0.offset) \($0.type) \($0.error)" }
            #expect(fields == Array(repeating: "parked 1 tick boom", count: 3))
            let later = try await store.read { tx in try tx.parkedEvents(after: all[0].id) }
            #expect(later.map(\.consumer) == ["b", "c"])
            let past = try await store.read { tx in try tx.parkedEvents(after: all[2].id) }
            #expect(past == [])
        }
    }

    @Test(arguments: backends)
    func fanMedalsAndGateReadsSeeTheTransactionsRows(_ backend: StoreBackend<ScriptTestBackend>) async throws {
        try await TemporaryDatabase.with { tmp in
            let (test, _) = try backend.open(tmp)
            let store = test.store
            let missing = try await store.read { tx in try tx.fanMedal(viewer: "v1", streamer: "s1", day: "2027-01-20") }
            #expect(missing == nil)
            try await store.write { tx in
                _ = try tx.fanMedals.add(
                    viewer: "v1", streamer: "s1", points: 5, rule: FanMedals.Rule(dailyCap: 100, levels: [1, 10]), day: "2027-01-20", now: 1)
                _ = try tx.ledger.apply([coinsTopUp("t1", "v1", 40)], now: 1)
            }
            let read = try await store.read { tx in try tx.fanMedal(viewer: "v1", streamer: "s1", day: "2027-01-20") }
            let medal = try #require(read)
            #expect(medal.viewerID == "v1" && medal.streamerID == "s1")
            #expect(medal.points == 5 && medal.level == 1 && medal.todayPoints == 5)

            let scripts = ScriptRuntime(directory: tmp.directory.path, api: .standard, limits: ScriptLimits(), logger: .quiet())
            let gates = QueueGates(scripts: scripts, ledger: test.ledger, calendar: OperationsCalendar())
            let balance = try await store.read { tx in try tx.gateReads(gates).balance(user: "v1", asset: "coins") }
            #expect(balance == 40)
        }
    }
}
