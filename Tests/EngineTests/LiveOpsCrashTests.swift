@testable import Books
import EngineTesting
import Foundation
import GRDB
@testable import LiveOps
@testable import Scripting
@testable import Showrunner
@testable import Storage
import Testing
@testable import Engine

/// The live-ops consumers (activities and tasks on the shipped `Scripts/`) keep boards, chest
/// and task progress in memory and write them with their cursor at the end of each batch (their
/// checkpoint). A run killed at random points (inside a batch, between batches, with a batch
/// applied but never committed) and restarted must end in exactly the state of a run that
/// never crashed: the same board rows and in-memory standings, progress, chests, derived facts,
/// reward transfers and inventory.
///
/// Memory that a rolled-back batch leaves ahead of the store, or a wrapper that drops a
/// consumer's end-of-batch write, shows here as a difference. The reference runs every handler
/// on the writer and the crashed run off it (`ConsumerRunner.offWriter`), so a difference
/// between the two paths shows too.
///
/// Each seed runs twice: with wide batches of a fixed bound, and with the catch-up checkpoint (one
/// page a batch until a consumer's batch ends behind, then wide ones), where the derived facts'
/// packing follows the batches and only the facts themselves are compared.
///
/// Seeds and the journal's size come from `SHOWRUNNER_LIVEOPS_CRASH_SEEDS` (comma-separated)
/// and `SHOWRUNNER_LIVEOPS_CRASH_GIFTS`, for soak runs.
@Suite struct LiveOpsCrashTests {
    static let seeds = SoakKnobs.seeds("SHOWRUNNER_LIVEOPS_CRASH_SEEDS", default: [5, 77])
    static let gifts = SoakKnobs.count("SHOWRUNNER_LIVEOPS_CRASH_GIFTS", default: 500)
    /// Inside the shipped activities' windows (as `showrunner-bench liveops`).
    static let start = Timestamps.millis("2027-01-21T12:00:00+08:00")!
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts").path

    /// The live-ops engine over one file, its two consumers behind one fault plan.
    struct LiveOpsEngine {
        let parts: EngineParts
        let plan: FaultyConsumer.Plan

        static func open(path: String, offWriter: Bool = true, catchingUp: Bool = false) async throws -> LiveOpsEngine {
            var options = EngineOptions(databasePath: path, scriptsPath: LiveOpsCrashTests.scripts)
            options.consumersOffWriter = offWriter
            options.synchronous = .off
            options.clock = ManualClock(nowMillis: LiveOpsCrashTests.start + 2 * 86_400_000)
            options.consumers = .liveOps
            options.consumerBatchSize = 13
            // Wide batches of up to three pages: crashes land on first and later pages alike.
            // Catching up: one page a batch until a consumer's off-writer batch ends behind, then
            // wide ones, so crashes land on narrow batches too.
            options.consumerCheckpointInterval = catchingUp ? .zero : .seconds(1)
            options.consumerCatchUpCheckpointInterval = .seconds(1)
            options.consumerWideBatchEntriesMax = 39
            let plan = FaultyConsumer.Plan()
            options.wrapConsumer = { FaultyConsumer(inner: $0, plan: plan) }
            let parts = try EngineParts.open(options, logger: .quiet())
            try await parts.loadScripts()
            try await parts.activities.load()
            return LiveOpsEngine(parts: parts, plan: plan)
        }
    }

    /// What a run leaves, in a form two runs can be compared in.
    struct State: Equatable {
        var tables: [String: [String]] = [:]
        var facts: [String] = []
        var transfers: [String] = []
        var standings: [String] = []
        var cursors: [String] = []
        /// The derived facts one by one, a packed row's facts each on its own: what they are,
        /// not how the batches packed them.
        var factsUnpacked: [String] = []
        /// Whether the live-ops consumers' cursors stand at the journal's end.
        var atEnd = false
    }

    /// Gift facts from many senders to a few streamers, and a tick a day later that closes the
    /// daily boards (their `on_period_end` pays rewards).
    static func fill(_ path: String) async throws {
        let store = try Store(StoreConfiguration(path: path, synchronous: .off), logger: .quiet())
        var random = Scripting.SeededRandom(seed: 11)
        var payloads: [(String, Int64)] = []
        for i in 0..<gifts {
            let sender = "u\(random.next(upTo: 60))", streamer = "s\(random.next(upTo: 6))"
            let count = random.next(upTo: 3) + 1, price = [1, 10, 52, 100][Int(random.next(upTo: 4))]
            payloads.append(("""
                {"send_id":"b\(i)","room_id":"room-\(streamer)","sender_id":"\(sender)","streamer_id":"\(streamer)",\
                "gift_id":"rose","gift_version":1,"count":\(count),"price_coins":\(price),"total_coins":\(Int64(price) * count),\
                "streamer_revenue":0,"guild_share":0,"platform_fee":0,"combo":1,"balance_coins":0,"transfer_ids":[],"ledger_time":0}
                """, start + Int64(i) * 1_000))
        }
        let journal = payloads
        try await store.write { db in
            for (payload, at) in journal { _ = try Journal.append(db, type: "gift", payloadJSON: payload, at: at) }
            let tick = start + 86_400_000
            _ = try Journal.append(db, type: "tick", payload: ["minute": tick / 60_000, "at": tick], idempotencyKey: "tick:\(tick / 60_000)", at: tick)
        }
        try store.close()
    }

    static func state(_ e: LiveOpsEngine) async throws -> State {
        var state = try await e.parts.store.read { db in
            var s = State()
            for (table, order) in [
                ("leaderboard_scores", "scope, board, period, member"), ("leaderboard_periods", "scope, board, period"),
                ("task_progress", "task, user_id, period"), ("chest_progress", "activity, chest, owner"),
                ("inventory_badges", "user_id, badge"), ("inventory_items", "user_id, item"), ("inventory_grants", "origin"),
                ("ledger_accounts", "id"),
            ] {
                s.tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)").map { row in
                    row.columnNames.filter { $0 != "created_at" }.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: " ")
                }
            }
            // Derived facts and transfers: what they are, not where the interleaving of the two
            // consumers' commits put them.
            s.facts = try Row.fetchAll(db, sql: "SELECT type, payload, created_at, idempotency_key FROM journal WHERE type NOT IN ('gift', 'tick')")
                .map { "\($0["type"] as String) \($0["payload"] as String) \($0["created_at"] as Int64) \($0["idempotency_key"] as String? ?? "-")" }
                .sorted()
            s.transfers = try Row.fetchAll(db, sql: """
                SELECT t.id, d.id, c.id, t.amount, t.code, t.memo, t.kind
                FROM ledger_transfers t JOIN ledger_accounts d ON d.num = t.debit JOIN ledger_accounts c ON c.num = t.credit
                """)
                .map { row in row.columnNames.map { "\(row[$0] as DatabaseValue)" }.joined(separator: " ") }.sorted()
            s.cursors = try Row.fetchAll(db, sql: "SELECT name, offset FROM consumer_cursors ORDER BY name").map { "\($0["name"] as String)=\($0["offset"] as Int64)" }
            let end = try Journal.latestOffset(db)
            s.atEnd = try ["activities", "tasks"].allSatisfy { try ConsumerRunner.cursor(of: $0, in: db) == end }
            for row in try Row.fetchAll(db, sql: "SELECT type, payload, created_at, idempotency_key FROM journal WHERE type NOT IN ('gift', 'tick')") {
                let (type, payload) = (row["type"] as String, row["payload"] as String)
                guard let packed = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [[Any]], row["idempotency_key"] as String? == nil else {
                    s.factsUnpacked.append("\(type) \(payload) \(row["created_at"] as Int64) \(row["idempotency_key"] as String? ?? "-")")
                    continue
                }
                for fact in packed {
                    let body = try JSONSerialization.data(withJSONObject: fact[1], options: [.sortedKeys])
                    s.factsUnpacked.append("\(type) \(String(decoding: body, as: UTF8.self)) \(fact[0])")
                }
            }
            s.factsUnpacked.sort()
            return s
        }
        let book = e.parts.activities.leaderboards
        for key in try await e.parts.store.read({ db in
            try Row.fetchAll(db, sql: "SELECT scope, board, period FROM leaderboard_periods ORDER BY scope, board, period")
                .map { BoardKey(scope: $0["scope"], board: $0["board"], period: $0["period"]) }
        }) {
            state.standings.append("\(key): " + book.top(key, 50).map { "\($0.entry.member)=\($0.entry.score)" }.joined(separator: ","))
        }
        return state
    }

    static func copy(_ from: String, to: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: from + suffix) {
            try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix)
        }
    }

    @Test("killed anywhere and restarted, the live-ops consumers end exactly where an uncrashed run ends", arguments: seeds, [false, true])
    func crashesChangeNothing(seed: UInt64, catchingUp: Bool) async throws {
        let base = try TemporaryDatabase()
        let crashed = try TemporaryDatabase()
        try await Self.fill(base.path)
        try Self.copy(base.path, to: crashed.path)

        // The reference runs every handler on the writer; the crashed run off it, where it can.
        let reference = try await LiveOpsEngine.open(path: base.path, offWriter: false, catchingUp: catchingUp)
        let report = try await reference.parts.consumers.drain()
        #expect(report.parked == 0 && report.failed == 0, "\(report)")
        let expected = try await Self.state(reference)
        try reference.parts.store.close()
        // The run did something worth comparing.
        #expect((expected.tables["leaderboard_scores"]?.count ?? 0) > 50 && (expected.tables["task_progress"]?.count ?? 0) > 100)
        #expect(expected.facts.count > 50 && !expected.transfers.isEmpty, "facts \(expected.facts.count), transfers \(expected.transfers.count)")

        var rng = Scripting.SeededRandom(seed: seed)
        var engine = try await LiveOpsEngine.open(path: crashed.path, catchingUp: catchingUp)
        var crashes = (inside: 0, survived: 0, abandoned: 0, between: 0, pipelined: 0)
        for step in 0..<400 {
            let caughtUp = try await engine.parts.store.read { db in
                try ConsumerRunner.cursor(of: "activities", in: db) == Journal.latestOffset(db)
                    && ConsumerRunner.cursor(of: "tasks", in: db) == Journal.latestOffset(db)
            }
            if caughtUp { break }
            // Each kind of crash three times first (so every seed covers all of them), then at random.
            switch step < 9 ? Int64(step % 3) : rng.next(upTo: 4) {
            case 0:
                // Fails fatally after applying some entries of a batch: memory and store roll back.
                // Half the time the consumers run pipelined (`drainEach`): the crash then comes in
                // the commit of a batch while the next is already prepared in memory, one to
                // four batches in.
                let pipelined = step < 9 ? step == 3 : rng.next(upTo: 2) == 0
                engine.plan.countdown.withLock { $0 = Int(rng.next(upTo: pipelined ? (step < 9 ? 40 : 150) : 12)) + 1 }
                do {
                    _ = try await pipelined ? engine.parts.consumers.drainEach() : engine.parts.consumers.drainOnce()
                } catch is SimulatedCrash {}
                if pipelined { crashes.pipelined += 1 }
                engine.plan.countdown.withLock { $0 = nil }
                // Half the time the process dies with it; else it goes on with the memory the
                // rollback restored.
                if step > 0 && rng.next(upTo: 2) == 0 {
                    try engine.parts.store.close()
                    engine = try await LiveOpsEngine.open(path: crashed.path, catchingUp: catchingUp)
                } else {
                    crashes.survived += 1
                }
                crashes.inside += 1
            case 1:
                // Applies a batch of each consumer on a raw connection and dies before COMMIT.
                let runner = engine.parts.consumers
                let consumers = [ActivityConsumer(activities: engine.parts.activities) as any JournalConsumer, TaskConsumer(tasks: engine.parts.tasks)]
                try engine.parts.store.close()
                var config = Configuration()
                config.allowsUnsafeTransactions = true
                let dying = try DatabaseQueue(path: crashed.path, configuration: config)
                try dying.inDatabase { db in
                    try db.beginTransaction(.immediate)
                    for consumer in consumers { _ = try runner.process(consumer, in: db) }
                }
                try dying.close()
                engine = try await LiveOpsEngine.open(path: crashed.path, catchingUp: catchingUp)
                crashes.abandoned += 1
            case 2:
                // A clean restart between batches.
                _ = try await engine.parts.consumers.drainOnce()
                try engine.parts.store.close()
                engine = try await LiveOpsEngine.open(path: crashed.path, catchingUp: catchingUp)
                crashes.between += 1
            default:
                _ = try await engine.parts.consumers.drainOnce()
            }
        }
        let final = try await engine.parts.consumers.drain()
        #expect(final.parked == 0 && final.failed == 0, "\(final)")
        let got = try await Self.state(engine)
        try engine.parts.store.close()
        #expect(crashes.inside >= 3 && crashes.survived >= 1 && crashes.abandoned >= 3 && crashes.between >= 3 && crashes.pipelined >= 1, "\(crashes)")
        // The reference runs on the writer, one page a batch when catching up is on: packing
        // follows the batches, so there the facts are compared one by one.
        if catchingUp {
            #expect(got.atEnd && expected.atEnd, "\(got.cursors) \(expected.cursors)")
            #expect(got.factsUnpacked == expected.factsUnpacked, "seed \(seed): derived facts differ")
            #expect(got.facts != expected.facts, "seed \(seed): the batches packed the facts alike: the catch-up was not exercised")
        } else {
            #expect(got.cursors == expected.cursors)
            #expect(got.facts == expected.facts, "seed \(seed): derived facts differ")
            #expect(got.factsUnpacked == expected.factsUnpacked)
        }
        for (table, rows) in expected.tables {
            #expect(got.tables[table] == rows, "seed \(seed): \(table) differs")
        }
        #expect(got.transfers == expected.transfers, "seed \(seed): reward transfers differ")
        #expect(got.standings == expected.standings, "seed \(seed): in-memory standings differ")
    }
}
