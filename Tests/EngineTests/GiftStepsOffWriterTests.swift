@testable import Books
import EngineTesting
import GRDB
@testable import Scripting
@testable import Storage
import Testing
@testable import Engine

/// The gift steps run off the writer (`OffWriterConsumer`): their Lua on a read snapshot, their
/// effects and the refund check on the writer. Each test runs one journal through both paths
/// and expects the same state, and the values the writer path alone would give.
@Suite("Gift steps off the writer")
struct GiftStepsOffWriterTests {
    typealias State = LiveOpsOffWriterTests.State

    static let steps: [String: String] = [
        // Tickets for every gift, fan points, and a room event from the third of a combo on.
        "gifts/a_thanks.lua": """
            return gift_step { id = "thanks", order = 10,
              config = { daily_cap = 25, levels = { 1, 10, 20 } },
              after_commit = function(ctx, g)
                ctx.grant(g.sender_id, "tickets", g.count, "thanks")
                ctx.fan_points(g.sender_id, g.streamer_id, g.value_coins)
                if g.combo >= 3 then ctx.broadcast(g.room_id, { kind = "combo", combo = g.combo }) end
              end }
            """,
        // For a gift of two, reads the balance the earlier grants made (inside a pcall, so a
        // refused read cannot fail the call) and tells the sender; a gift of three fails.
        "gifts/b_reader.lua": """
            return gift_step { id = "reader", order = 20,
              after_commit = function(ctx, g)
                if g.count == 3 then error("three is not allowed") end
                if g.count ~= 2 then return end
                local ok, balance = pcall(ctx.balance, g.sender_id, "tickets")
                ctx.notify(g.sender_id, "tickets: " .. tostring(ok and balance or "refused"))
              end }
            """,
    ]

    static func gift(_ i: Int, count: Int = 1, combo: Int = 1) -> String {
        LiveOpsOffWriterTests.gift(i, count: count).replacingOccurrences(of: "\"combo\":1", with: "\"combo\":\(combo)")
    }

    /// Runs `gifts` through the gift-steps consumer; the gifts at `refunded` (journal offsets)
    /// are refunded before it runs.
    static func run(
        _ files: [String: String] = steps, gifts: [String], refunded: Set<Int64> = [], offWriter: Bool, batchSize: Int = 4
    ) async throws -> State {
        let s = try await LiveOpsOffWriterTests.Scripted(files)
        defer { s.remove() }
        let (store, scripts, ledger) = (s.store, s.scripts, s.ledger)
        try await store.write { db in
            for (i, payload) in gifts.enumerated() { _ = try Journal.append(db, type: "gift", payloadJSON: payload, at: Int64(i + 1) * 1000) }
            for offset in refunded.sorted() {
                try db.execute(sql: "INSERT INTO gift_refunds (gift_offset, reason, by_user, outcome, created_at) VALUES (?, 'test', 'op', '{}', 0)",
                    arguments: [offset])
            }
        }
        let runner = ConsumerRunner(
            store: store, consumers: [GiftStepsConsumer(scripts: scripts, ledger: ledger)], maxAttempts: 1,
            batchSize: batchSize, checkpointInterval: .zero, offWriter: offWriter, logger: .quiet())
        try await runner.drain()
        var state = try await Self.state(store)
        state.parked = try await runner.parked().map { "\($0.consumer) \($0.offset) \($0.error.prefix(60))" }
        try store.close()
        return state
    }

    static func state(_ store: Store) async throws -> State {
        try await store.read { db in
            var s = State()
            s.rows += try Row.fetchAll(db, sql: "SELECT id, balance FROM ledger_accounts ORDER BY id")
                .map { "balance \($0[0] as String)=\($0[1] as Int64)" }
            s.rows += try Row.fetchAll(db, sql: "SELECT viewer_id, streamer_id, points, level, day_points FROM fan_medals ORDER BY viewer_id, streamer_id")
                .map { "medal \($0[0] as String)/\($0[1] as String) \($0[2] as Int64) L\($0[3] as Int64) today \($0[4] as Int64)" }
            s.rows += try Row.fetchAll(db, sql: "SELECT id FROM ledger_transfers ORDER BY id").map { "transfer \($0[0] as String)" }
            s.rows += try Journal.read(db, after: 0, limit: Journal.readLimitMax).filter { $0.type != "gift" }
                .map { "fact \($0.type) \($0.payload)" }
            return s
        }
    }

    @Test("a step that reads host state runs on the writer and sees every write before it; effects, refunds and failures as on the writer")
    func sameAsOnTheWriter() async throws {
        // Gifts of two read, first in a page (x1, x5, x9) and later in one (x3, x7); x6 fails;
        // x4 and x10 were refunded.
        let counts = [2, 1, 2, 1, 2, 3, 2, 1, 2, 1, 1, 1]
        let gifts = counts.enumerated().map { Self.gift($0.offset + 1, count: $0.element, combo: $0.offset + 1) }
        for batchSize in [1, 4, 64] {
            let writer = try await Self.run(gifts: gifts, refunded: [4, 10], offWriter: false, batchSize: batchSize)
            let off = try await Self.run(gifts: gifts, refunded: [4, 10], offWriter: true, batchSize: batchSize)
            #expect(off == writer, "batch \(batchSize)")
            // Tickets: every gift's count but the refunded and the failed ones.
            #expect(off.rows.contains("balance user:v1:tickets=\(counts.reduce(0, +) - 1 - 3 - 1)"), "\(off.rows)")
            // Each read sees the grants of every gift before it and of its own first step.
            let notices = off.rows.filter { $0.hasPrefix("fact notice") }
            #expect(notices.count == 5 && notices.allSatisfy { !$0.contains("refused") }, "\(notices)")
            #expect(notices.first?.contains("tickets: 2") == true)
            // Fan points: a gift's value, at most 25 a day (every gift is on one day): level 3.
            #expect(off.rows.contains { $0.hasPrefix("medal v1/s 25 L3 today 25") }, "\(off.rows)")
            #expect(off.rows.filter { $0.hasPrefix("fact gift_steps_skipped") }.count == 2)
            #expect(off.parked.count == 1 && off.parked.first?.hasPrefix("gift-steps 6 ") == true, "\(off.parked)")
        }
    }

    @Test("each step gets a gift table of its own: what one step changes in it, the next does not see")
    func eachStepItsOwnTable() async throws {
        let files = [
            "gifts/a_mutate.lua": """
                return gift_step { id = "mutate", order = 1, after_commit = function(ctx, g)
                  g.count = 999
                  g.extra = "x"
                  g.sender_id = nil
                end }
                """,
            "gifts/b_see.lua": """
                return gift_step { id = "see", order = 2, after_commit = function(ctx, g)
                  local n = 0
                  for _ in pairs(g) do n = n + 1 end
                  ctx.notify("watcher", g.send_id .. " count " .. g.count .. " extra " .. tostring(g.extra)
                    .. " sender " .. tostring(g.sender_id) .. " fields " .. n)
                  g.count = 555
                end }
                """,
            "gifts/c_again.lua": """
                return gift_step { id = "again", order = 3, after_commit = function(ctx, g)
                  ctx.notify("watcher", g.send_id .. " again " .. g.count)
                end }
                """,
        ]
        let gifts = [Self.gift(1, count: 2), Self.gift(2, count: 3), Self.gift(3)]
        for offWriter in [false, true] {
            let state = try await Self.run(files, gifts: gifts, offWriter: offWriter, batchSize: 64)
            let notices = state.rows.filter { $0.hasPrefix("fact notice") }
            #expect(notices.count == 6, "\(notices)")
            for (i, count) in [(1, 2), (2, 3), (3, 1)] {
                #expect(notices.contains { $0.contains("x\(i) count \(count) extra nil sender v1 fields 10") }, "\(notices)")
                #expect(notices.contains { $0.contains("x\(i) again \(count)\"") }, "\(notices)")
            }
        }
    }

    @Test("a refund that commits after the steps ran on a snapshot, before their effects: the effects do not apply, the skip is recorded")
    func refundBetweenPrepareAndCommit() async throws {
        let folder = try ScriptFolder(Self.steps)
        defer { folder.remove() }
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let scripts = ScriptRuntime(directory: folder.path, api: .standard, limits: ScriptLimits(), logger: .quiet())
            #expect(await scripts.reload(trigger: "test").ok)
            let consumer = GiftStepsConsumer(scripts: scripts, ledger: Ledger(store: store))
            let offset = try await store.write { db in try Journal.append(db, type: "gift", payloadJSON: Self.gift(1), at: 1000).offset }
            let prepared = try await store.read { db in
                var writes = DeferredWrites()
                let entry = try #require(try Journal.entry(db, at: offset))
                try consumer.prepare(entry, in: SQLiteTransaction(noLedger: db), writes: &writes)
                return writes
            }
            #expect(prepared.count == 1)
            try await store.write { db in
                try db.execute(sql: "INSERT INTO gift_refunds (gift_offset, reason, by_user, outcome, created_at) VALUES (?, 'late', 'op', '{}', 0)",
                    arguments: [offset])
            }
            try await store.write { db in try prepared.run(in: SQLiteTransaction(noLedger: db)) }
            let state = try await Self.state(store)
            #expect(!state.rows.contains { $0.hasPrefix("balance user:v1") || $0.hasPrefix("medal") || $0.hasPrefix("transfer") }, "\(state.rows)")
            #expect(state.rows.filter { $0.hasPrefix("fact gift_steps_skipped") }.count == 1, "\(state.rows)")
        }
    }
}
