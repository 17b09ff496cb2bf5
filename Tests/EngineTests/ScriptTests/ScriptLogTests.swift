@testable import Books
import Engine
import EngineTesting
@testable import LiveOps
import Logging
@testable import Scripting
@testable import Storage
import Synchronization
import Testing

/// Captures what a logger writes.
final class CapturedLog: LogHandler, @unchecked Sendable {
    let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let m = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.withLock { $0.append("\(event.message) \(m)") }
    }
}

@Suite("ctx.log from journal handlers")
struct ScriptLogTests {
    @Test("lines a handler logs reach the server log with the script and origin, also when it fails")
    func handlerLogsReachTheLog() async throws {
        let folder = try ScriptFolder([
            "activities/talky.lua": """
                return activity { id = "talky", on = { gift = function(ctx, g)
                  ctx.log("gift from", g.sender_id, g.value_coins)
                  if g.value_coins == 13 then error("unlucky") end
                end } }
                """,
            "tasks/quiet.lua": """
                return task { id = "quiet", stages = { { goal = 5 } }, on = { gift = function(ctx, g) print("progress", g.count) end } }
                """,
        ])
        defer { folder.remove() }
        let db = try TemporaryDatabase()
        let store = try db.openStore()
        let capture = CapturedLog()
        let logger = Logger(label: "test") { _ in capture }
        let scripts = ScriptRuntime(directory: folder.path, api: .standard, limits: ScriptLimits(), logger: .quiet())
        #expect(await scripts.reload(trigger: "test").ok)
        let ledger = Ledger(store: store)
        let activities = Activities(store: store, scripts: scripts, ledger: ledger, logger: logger)
        let tasks = Tasks(store: store, scripts: scripts, ledger: ledger, logger: logger)
        let gift: @Sendable (Int) -> String = { coins in
            """
            {"send_id":"x\(coins)","room_id":"r","sender_id":"v1","streamer_id":"s","gift_id":"rose","gift_version":1,"count":1,\
            "price_coins":\(coins),"total_coins":\(coins),"streamer_revenue":0,"guild_share":0,"platform_fee":0,"combo":1,\
            "balance_coins":0,"transfer_ids":[],"ledger_time":0}
            """
        }
        try await store.write { db in
            _ = try Journal.append(db, type: "gift", payloadJSON: gift(7), at: 1)
            _ = try Journal.append(db, type: "gift", payloadJSON: gift(13), at: 2)
        }
        let runner = ConsumerRunner(
            store: store, consumers: [ActivityConsumer(activities: activities), TaskConsumer(tasks: tasks)], maxAttempts: 1, logger: .quiet())
        try await runner.drain()
        let lines = capture.lines.withLock { $0 }.filter { $0.hasPrefix("script log") }
        #expect(lines.contains("script log line=gift from v1 7 origin=activity:talky:1:on.gift script=activity 'talky'"))
        #expect(lines.contains { $0.hasPrefix("script log line=gift from v1 13 origin=activity:talky:2:on.gift") })
        #expect(lines.contains("script log line=progress\t1 origin=task:quiet:1 script=task 'quiet'"))
    }

    @Test("values are written as Lua's tostring would")
    func logText() {
        #expect(LuaValue.integer(-7).logText == "-7" && LuaValue.number(2.5).logText == "2.5" && LuaValue.number(2).logText == "2.0")
        #expect(LuaValue.boolean(true).logText == "true" && LuaValue.nil.logText == "nil" && LuaValue.table(LuaTable()).logText == "table")
        #expect(LuaValue.number(1e20).logText == "1e+20")
    }
}
