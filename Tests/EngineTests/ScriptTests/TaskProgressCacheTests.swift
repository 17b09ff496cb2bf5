import Engine
import EngineTesting
import GRDB
import Testing

@Suite("task progress remembered between batches")
struct TaskProgressCacheTests {
    @Test("with room for one row, viewers taking turns still add up exactly", arguments: [1, 2, Tasks.defaultProgressCacheMax])
    func evictionKeepsSums(cacheMax: Int) async throws {
        let folder = try ScriptFolder([
            "tasks/count.lua": """
                return task { id = "count", stages = { { goal = 1000 } }, on = { gift = function(ctx, g) ctx.progress(g.sender_id, g.value_coins) end } }
                """,
        ])
        defer { folder.remove() }
        let db = try TemporaryDatabase()
        let store = try db.openStore()
        let scripts = ScriptRuntime(directory: folder.path, api: .standard, limits: ScriptLimits(), logger: .quiet())
        #expect(await scripts.reload(trigger: "test").ok)
        let tasks = Tasks(store: store, scripts: scripts, ledger: Ledger(store: store), progressCacheMax: cacheMax, logger: .quiet())
        let senders = ["a", "b", "c"]
        try await store.write { db in
            for i in 0..<30 {
                let json = """
                    {"send_id":"x\(i)","room_id":"r","sender_id":"\(senders[i % 3])","streamer_id":"s","gift_id":"rose",\
                    "gift_version":1,"count":1,"price_coins":\(i + 1),"total_coins":\(i + 1),"streamer_revenue":0,"guild_share":0,\
                    "platform_fee":0,"combo":1,"balance_coins":0,"transfer_ids":[],"ledger_time":0}
                    """
                _ = try Journal.append(db, type: "gift", payloadJSON: json, at: 1)
            }
        }
        // One entry per batch: every gift reads its viewer's progress from memory or the store.
        let runner = ConsumerRunner(store: store, consumers: [TaskConsumer(tasks: tasks)], batchSize: 1, logger: .quiet())
        try await runner.drain()
        let rows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT user_id, progress FROM task_progress ORDER BY user_id").map { "\($0[0] as String)=\($0[1] as Int64)" }
        }
        // a: 1+4+...+28, b: 2+5+...+29, c: 3+6+...+30.
        #expect(rows == ["a=145", "b=155", "c=165"])
    }
}
