@testable import Books
@testable import Engine
import EngineTesting
import GRDB
@testable import LiveOps
@testable import Scripting
@testable import Storage
import Testing

@Suite("task progress remembered between batches")
struct TaskProgressCacheTests {
    /// A task that counts each sender's coins, its store and gifts of (sender, coins) journaled.
    static func counting(
        cacheMax: Int, gifts: [(String, Int)]
    ) async throws -> (ScriptFolder, TemporaryDatabase, Store, Tasks) {
        let folder = try ScriptFolder([
            "tasks/count.lua": """
                return task { id = "count", stages = { { goal = 1000 } }, on = { gift = function(ctx, g) ctx.progress(g.sender_id, g.value_coins) end } }
                """,
        ])
        let db = try TemporaryDatabase()
        let store = try db.openStore()
        let scripts = ScriptRuntime(directory: folder.path, api: .standard, limits: ScriptLimits(), logger: .quiet())
        #expect(await scripts.reload(trigger: "test").ok)
        let tasks = Tasks(store: store, scripts: scripts, ledger: Ledger(store: store), progressCacheMax: cacheMax, logger: .quiet())
        try await store.write { db in
            for (i, (sender, coins)) in gifts.enumerated() {
                let json = """
                    {"send_id":"x\(i)","room_id":"r","sender_id":"\(sender)","streamer_id":"s","gift_id":"rose",\
                    "gift_version":1,"count":1,"price_coins":\(coins),"total_coins":\(coins),"streamer_revenue":0,"guild_share":0,\
                    "platform_fee":0,"combo":1,"balance_coins":0,"transfer_ids":[],"ledger_time":0}
                    """
                _ = try Journal.append(db, type: "gift", payloadJSON: json, at: 1)
            }
        }
        return (folder, db, store, tasks)
    }

    @Test("with room for one row, viewers taking turns still add up exactly", arguments: [1, 2, Tasks.defaultProgressCacheMax])
    func evictionKeepsSums(cacheMax: Int) async throws {
        let (folder, db, store, tasks) = try await Self.counting(cacheMax: cacheMax, gifts: (0..<30).map { (["a", "b", "c"][$0 % 3], $0 + 1) })
        defer { withExtendedLifetime(db) { folder.remove() } }
        // One entry per batch: every gift reads its viewer's progress from memory or the store.
        let runner = ConsumerRunner(store: store, consumers: [TaskConsumer(tasks: tasks)], batchSize: 1, logger: .quiet())
        try await runner.drain()
        let rows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT user_id, progress FROM task_progress ORDER BY user_id").map { "\($0[0] as String)=\($0[1] as Int64)" }
        }
        // a: 1+4+...+28, b: 2+5+...+29, c: 3+6+...+30.
        #expect(rows == ["a=145", "b=155", "c=165"])
    }

    @Test("a batch prepared while the one before commits reads that one's progress from memory, with room for one row")
    func sealedProgressIsReadFromMemory() async throws {
        let (folder, db, store, tasks) = try await Self.counting(cacheMax: 1, gifts: [("a", 5), ("b", 1), ("a", 2)])
        defer { withExtendedLifetime(db) { folder.remove() } }
        let consumer = TaskConsumer(tasks: tasks)
        let entries = try await store.read { db in try Journal.read(db, after: 0, limit: 10) }
        // Batch 1 (a +5) is prepared and sealed; batch 2 (b +1, then a +2) is prepared before
        // batch 1's write runs, on a snapshot without it. Reading b fills the one-row cache.
        func prepare(_ batch: ArraySlice<JournalEntry>) async throws -> (DeferredWrites, @Sendable (any StoreTransaction) throws -> Void) {
            let writes = try await store.read { db in
                var writes = DeferredWrites()
                for entry in batch { try consumer.prepare(entry, in: SQLiteTransaction(noLedger: db), writes: &writes) }
                return writes
            }
            return (writes, consumer.seal())
        }
        let (w1, s1) = try await prepare(entries[0..<1])
        let (w2, s2) = try await prepare(entries[1..<3])
        try await store.write { db in
            let tx = SQLiteTransaction(noLedger: db)
            try w1.run(in: tx)
            try s1(tx)
            try w2.run(in: tx)
            try s2(tx)
        }
        let rows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT user_id, progress FROM task_progress ORDER BY user_id").map { "\($0[0] as String)=\($0[1] as Int64)" }
        }
        #expect(rows == ["a=7", "b=1"])
    }
}
