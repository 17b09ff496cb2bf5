@testable import Books
import EngineTesting
import GRDB
import MetricsTestKit
@testable import LiveOps
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

/// The activity and task consumers run their handlers off the writer (`OffWriterConsumer`), and
/// hand a call back to the writer when it needs it. Each test runs one journal through both
/// paths and expects the same state, and the values the writer path alone would give.
@Suite("Live ops off the writer")
struct LiveOpsOffWriterTests {
    /// What a run leaves: board rows, task progress, balances, derived facts, parked entries.
    struct State: Equatable {
        var rows: [String] = []
        var parked: [String] = []
        /// The store's commits during the drain, and the consumers still catching up after it
        /// (not part of the state compared).
        var commits = 0
        var catchingUp: [String] = []

        static func == (a: State, b: State) -> Bool { a.rows == b.rows && a.parked == b.parked }
    }

    static func gift(_ i: Int, sender: String = "v1", count: Int = 1) -> String {
        """
        {"send_id":"x\(i)","room_id":"r","sender_id":"\(sender)","streamer_id":"s","gift_id":"rose","gift_version":1,\
        "count":\(count),"price_coins":10,"total_coins":\(10 * count),"streamer_revenue":0,"guild_share":0,"platform_fee":0,\
        "combo":1,"balance_coins":0,"transfer_ids":[],"ledger_time":0}
        """
    }

    /// Runs `gifts` (payloads) through the activity and task consumers over `files`.
    /// One page per transaction, so the off-writer path meets entries it must hand back both
    /// first in a batch (the batch then runs on the writer) and later (the batch ends before it).
    static func run(
        _ files: [String: String], gifts: [String], offWriter: Bool, batchSize: Int = 4, catchUp: Duration? = nil,
        metrics: TestMetrics? = nil
    ) async throws -> State {
        let s = try await Scripted(files, metrics: metrics)
        defer { s.remove() }
        let (store, scripts, ledger) = (s.store, s.scripts, s.ledger)
        let events = HandlerEvents()
        let activities = Activities(store: store, scripts: scripts, ledger: ledger, events: events, logger: .quiet())
        let tasks = Tasks(store: store, scripts: scripts, ledger: ledger, events: events, logger: .quiet())
        try await store.write { db in
            for (i, payload) in gifts.enumerated() { _ = try Journal.append(db, type: "gift", payloadJSON: payload, at: Int64(i + 1)) }
        }
        let runner = ConsumerRunner(
            store: store, consumers: [ActivityConsumer(activities: activities), TaskConsumer(tasks: tasks)], maxAttempts: 1,
            batchSize: batchSize, checkpointInterval: .zero, catchUpCheckpointInterval: catchUp, offWriter: offWriter, logger: .quiet())
        let commitsBefore = store.stats.commits
        try await runner.drain()
        let commits = store.stats.commits - commitsBefore
        var state = try await store.read { db in
            var s = State()
            s.rows += try Row.fetchAll(db, sql: "SELECT scope, board, member, score FROM leaderboard_scores ORDER BY scope, board, member")
                .map { "board \($0[0] as String)/\($0[1] as String) \($0[2] as String)=\($0[3] as Int64)" }
            s.rows += try Row.fetchAll(db, sql: "SELECT task, user_id, progress FROM task_progress ORDER BY task, user_id")
                .map { "progress \($0[0] as String) \($0[1] as String)=\($0[2] as Int64)" }
            s.rows += try Row.fetchAll(db, sql: "SELECT id, balance FROM ledger_accounts ORDER BY id")
                .map { "balance \($0[0] as String)=\($0[1] as Int64)" }
            s.rows += try Journal.read(db, after: 0, limit: Journal.readLimitMax).filter { $0.type != "gift" }
                .map { "fact \($0.type) \($0.payload)" }.sorted()
            return s
        }
        state.commits = commits
        state.catchingUp = runner.consumers.map(\.name).filter { runner.isCatchingUp($0) }
        state.parked = try await runner.parked().map { "\($0.consumer) \($0.offset) \($0.error.prefix(60))" }
        try store.close()
        return state
    }

    /// A scripts folder loaded over a fresh store, with its ledger.
    struct Scripted {
        let folder: ScriptFolder
        let database: TemporaryDatabase
        let store: Store
        let scripts: ScriptRuntime
        let ledger: Ledger

        init(_ files: [String: String], metrics: TestMetrics? = nil) async throws {
            folder = try ScriptFolder(files)
            database = try TemporaryDatabase()
            if let metrics {
                store = try Store(database.configuration(), metrics: metrics)
            } else {
                store = try database.openStore()
            }
            scripts = ScriptRuntime(directory: folder.path, api: .standard, limits: ScriptLimits(), logger: .quiet())
            #expect(await scripts.reload(trigger: "test").ok)
            ledger = Ledger(store: store)
        }

        func remove() {
            folder.remove()
            database.remove()
        }
    }

    @Test("a consumer whose batch ended behind reads the next for the catch-up interval, and the state is the same")
    func catchingUpReadsLonger() async throws {
        // Gifts of one, so no call needs the writer: every batch is prepared off it.
        let gifts = (0..<120).map { Self.gift($0, sender: "v\($0 % 7)") }
        let (pacedMetrics, catchingUpMetrics) = (TestMetrics(), TestMetrics())
        let paced = try await Self.run(Self.readsAndGrants, gifts: gifts, offWriter: true, metrics: pacedMetrics)
        let catchingUp = try await Self.run(Self.readsAndGrants, gifts: gifts, offWriter: true, catchUp: .seconds(1), metrics: catchingUpMetrics)
        #expect(catchingUp == paced)
        #expect(paced.rows.contains("progress t-plain v0=4") && paced.parked.isEmpty)
        // One page per transaction (a zero checkpoint interval) at first; the rest of the
        // journal in a wide batch once the first ended behind.
        #expect(paced.commits >= 120 / 4, "\(paced.commits) commits")
        #expect(catchingUp.commits <= 8, "\(catchingUp.commits) commits")
        // Both consumers reached the journal's end: back on the checkpoint interval.
        #expect(catchingUp.catchingUp.isEmpty && paced.catchingUp.isEmpty)
        // Each consumer counts its catch-up batches (`showrunner_consumer_catch_up_batches`).
        for name in ["activities", "tasks"] {
            let counted = try catchingUpMetrics.expectCounter("showrunner.consumer.catch_up_batches", [("consumer", name)])
            #expect(counted.totalValue >= 1, "\(name)")
            #expect(try pacedMetrics.expectCounter("showrunner.consumer.catch_up_batches", [("consumer", name)]).totalValue == 0)
        }
    }

    static let readsAndGrants: [String: String] = [
        // Grants 5 tickets a gift and counts them on a board.
        "activities/a_grant.lua": """
            return activity { id = "a-grant", leaderboards = { given = { order = "desc", reset = "never" } },
              on = { gift = function(ctx, g)
                ctx.leaderboard("given"):add(g.sender_id, 5)
                ctx.grant(g.sender_id, "tickets", 5, "bonus")
              end } }
            """,
        // For a gift of two or more, reads the balance the earlier grants made (inside a pcall,
        // so a refused read cannot fail the call) and records it; else records -2.
        "activities/b_read.lua": """
            return activity { id = "b-read", leaderboards = { seen = { order = "desc", reset = "never" } },
              on = { gift = function(ctx, g)
                if g.count < 2 then
                  ctx.leaderboard("seen"):set(g.send_id, -2)
                  return
                end
                local ok, balance = pcall(ctx.balance, g.sender_id, "tickets")
                ctx.leaderboard("seen"):set(g.send_id, ok and balance or -1)
              end } }
            """,
        "tasks/t_read.lua": """
            return task { id = "t-read", stages = { { goal = 3 }, { goal = 6 } }, on = { gift = function(ctx, g)
              if g.count >= 2 and not pcall(ctx.balance, g.sender_id, "tickets") then return end
              ctx.progress(g.sender_id, 1)
            end } }
            """,
        "tasks/t_plain.lua": """
            return task { id = "t-plain", stages = { { goal = 2 }, { goal = 4 } }, on = { gift = function(ctx, g)
              ctx.progress(g.sender_id, g.count)
            end } }
            """,
    ]

    @Test("a handler that reads host state runs on the writer and sees every write before it; nothing applies twice")
    func readsRunOnTheWriter() async throws {
        // Gifts of two read, first in a page (x1, x5, x9) and later in one (x3, x7, x11).
        let counts = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
        let gifts = counts.enumerated().map { Self.gift($0.offset + 1, count: $0.element) }
        let writer = try await Self.run(Self.readsAndGrants, gifts: gifts, offWriter: false)
        let off = try await Self.run(Self.readsAndGrants, gifts: gifts, offWriter: true)
        #expect(off == writer)
        // Each read sees the grants of every gift before it and of its own first handler.
        for i in 1...12 { #expect(off.rows.contains("board b-read/seen x\(i)=\(i % 2 == 1 ? 5 * i : -2)"), "x\(i)") }
        #expect(off.rows.contains("board a-grant/given v1=60"))
        #expect(off.rows.contains("balance user:v1:tickets=60"))
        #expect(off.rows.contains("progress t-read v1=6") && off.rows.contains("progress t-plain v1=4"))
        #expect(off.rows.filter { $0.hasPrefix("fact task_completed") }.count == 4, "\(off.rows)")
        #expect(off.parked.isEmpty)
    }

    @Test("writes that fail on the writer put memory back; the batch runs on the writer, where the entry fails and is parked")
    func failedWritesFallBack() async throws {
        let files = [
            "activities/pay.lua": """
                return activity { id = "pay", leaderboards = { gifts = { order = "desc", reset = "never" } },
                  on = { gift = function(ctx, g)
                    ctx.leaderboard("gifts"):add(g.sender_id, g.count)
                    ctx.grant(g.sender_id, g.count == 2 and "no-such-asset" or "tickets", 1, "thanks")
                  end } }
                """,
            "tasks/count.lua": """
                return task { id = "count", stages = { { goal = 100 } }, on = { gift = function(ctx, g)
                  ctx.progress(g.sender_id, 1)
                end } }
                """,
        ]
        let gifts = [Self.gift(1), Self.gift(2), Self.gift(3, count: 2), Self.gift(4), Self.gift(5, sender: "v2")]
        let writer = try await Self.run(files, gifts: gifts, offWriter: false)
        let off = try await Self.run(files, gifts: gifts, offWriter: true)
        #expect(off == writer)
        // The third gift is parked by the activities; everything else applies once.
        #expect(off.parked.count == 1 && off.parked.first?.hasPrefix("activities 3 ") == true, "\(off.parked)")
        #expect(off.rows.contains("board pay/gifts v1=3") && off.rows.contains("board pay/gifts v2=1"))
        #expect(off.rows.contains("balance user:v1:tickets=3") && off.rows.contains("balance user:v2:tickets=1"))
        #expect(off.rows.contains("progress count v1=4") && off.rows.contains("progress count v2=1"))
    }

    @Test("a board change answers the member's row afterwards, also when it changes nothing")
    func changesAnswerTheirRow() async throws {
        let files = [
            "activities/rows.lua": """
                return activity { id = "rows",
                  leaderboards = { b = { order = "desc", reset = "never" }, low = { order = "asc", reset = "never" },
                    seen = { order = "desc", reset = "never" } },
                  on = { gift = function(ctx, g)
                    local seen = ctx.leaderboard("seen")
                    local row = ctx.leaderboard("b"):add(g.sender_id, g.count)
                    seen:set(g.send_id .. ":b", row.rank * 100 + row.score)
                    -- After a member's first gift, best(5) on an ascending board changes nothing.
                    local low = ctx.leaderboard("low"):best(g.sender_id, 5)
                    seen:set(g.send_id .. ":low", low.rank * 100 + low.score)
                  end } }
                """
        ]
        let gifts = [Self.gift(1, sender: "v1", count: 2), Self.gift(2, sender: "v2", count: 1), Self.gift(3, sender: "v1", count: 2)]
        let writer = try await Self.run(files, gifts: gifts, offWriter: false)
        let off = try await Self.run(files, gifts: gifts, offWriter: true)
        #expect(off == writer)
        for (member, value) in [("x1:b", 102), ("x1:low", 105), ("x2:b", 201), ("x2:low", 205), ("x3:b", 104), ("x3:low", 105)] {
            #expect(off.rows.contains("board rows/seen \(member)=\(value)"), "\(member)")
        }
    }

    @Test("many gifts in wide batches: both paths end in the same state", arguments: [1, 7, 64])
    func sameStateAtAnyBatchSize(batchSize: Int) async throws {
        var random = Scripting.SeededRandom(seed: UInt64(batchSize))
        let gifts = (1...150).map { i in Self.gift(i, sender: "v\(random.next(upTo: 9))", count: Int(random.next(upTo: 3)) + 1) }
        let writer = try await Self.run(Self.readsAndGrants, gifts: gifts, offWriter: false, batchSize: batchSize)
        let off = try await Self.run(Self.readsAndGrants, gifts: gifts, offWriter: true, batchSize: batchSize)
        #expect(off == writer)
        #expect(off.rows.count > 30 && off.parked.isEmpty)
    }
}
