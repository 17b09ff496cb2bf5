@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import LiveOps
@testable import Scripting
@testable import Showrunner
@testable import Storage
import Testing
@testable import Host

/// 2027-01-20T00:00:00Z and helpers to append facts at chosen times.
enum LiveOps {
    static let day1: Int64 = 1_800_403_200_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// Appends a gift fact as the gift sender would, at `at`.
    static func gift(_ e: EngineHost, from sender: String, to streamer: String, coins: Int64, count: Int64 = 1, at: Int64) async throws {
        let json = """
            {"send_id":"\(UUID().uuidString)","room_id":"r1","sender_id":"\(sender)","streamer_id":"\(streamer)","gift_id":"rose",\
            "gift_version":1,"count":\(count),"price_coins":\(coins / count),"total_coins":\(coins),"streamer_revenue":0,"guild_share":0,\
            "platform_fee":0,"combo":1,"balance_coins":0,"transfer_ids":[],"ledger_time":\(at * 1000)}
            """
        _ = try await e.engine.store.write { db in try Journal.append(db, type: "gift", payloadJSON: json, at: at) }
    }

    static func tick(_ e: EngineHost, at: Int64) async throws {
        try await Ticker.tick(e.engine.store, at: at)
    }

    /// Drains until every consumer is caught up (consumers feed each other through facts).
    static func settle(_ e: EngineHost) async throws {
        for _ in 0..<4 { _ = try await e.engine.consumers.drain() }
    }

    static func grants(_ e: EngineHost, user: String, asset: String) async throws -> Int64 {
        try await e.engine.ledger.balances(user: user)[asset] ?? 0
    }
}

struct BoardPage: Decodable {
    struct Row: Decodable { let rank: Int; let member: String; let score: Int64 }
    let period: String
    let closed: Bool
    let members: Int
    let rows: [Row]
}

@Suite("Activities and leaderboards")
struct ActivityTests {
    static let board = """
        return activity {
          id = "gala",
          leaderboards = { givers = { order = "desc" }, daily = { reset = "daily" }, low = { order = "asc", reset = "never" } },
          on = {
            gift = function(ctx, g)
              ctx.leaderboard("givers"):add(g.sender_id, g.value_coins)
              ctx.leaderboard("daily"):add(g.sender_id, g.value_coins)
              ctx.leaderboard("low"):best(g.sender_id, g.value_coins)
            end,
          },
          on_period_end = function(ctx, p)
            for _, row in ipairs(ctx.leaderboard(p.board):top(2)) do
              ctx.grant(row.member, "tickets", 10 * (3 - row.rank), "daily prize " .. p.period)
            end
          end,
        }
        """

    @Test("ranks follow score, then who reached it first; pages, around and bad queries")
    func ranking() async throws {
        let clock = ManualClock(nowMillis: LiveOps.day1 + LiveOps.hour)
        let e = try await EngineHost(scripts: ["activities/gala.lua": Self.board], clock: clock)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 30, at: LiveOps.day1 + 1000)
        try await LiveOps.gift(e, from: "v2", to: "s1", coins: 30, at: LiveOps.day1 + 2000)
        try await LiveOps.gift(e, from: "v3", to: "s1", coins: 50, at: LiveOps.day1 + 3000)
        try await LiveOps.gift(e, from: "v3", to: "s1", coins: 5, at: LiveOps.day1 + 4000)
        try await LiveOps.settle(e)
        let v = try e.token(.viewer, user: "v2")
        try await e.test { client in
            let page = try await client.execute(uri: "/v1/activities/gala/leaderboards/givers", method: .get, headers: bearer(v)).json(BoardPage.self)
            #expect(page.rows.map(\.member) == ["v3", "v1", "v2"])
            #expect(page.rows.map(\.score) == [55, 30, 30])
            #expect(page.rows.map(\.rank) == [1, 2, 3])
            #expect(page.period == "all" && page.members == 3 && !page.closed)
            let low = try await client.execute(uri: "/v1/activities/gala/leaderboards/low", method: .get, headers: bearer(v)).json(BoardPage.self)
            #expect(low.rows.map(\.member) == ["v3", "v1", "v2"])
            #expect(low.rows.first?.score == 5)
            let daily = try await client.execute(uri: "/v1/activities/gala/leaderboards/daily", method: .get, headers: bearer(v)).json(BoardPage.self)
            #expect(daily.period == "2027-01-20")
            let around = try await client.execute(
                uri: "/v1/activities/gala/leaderboards/givers?around=v1&limit=2", method: .get, headers: bearer(v)).json(BoardPage.self)
            #expect(around.rows.map(\.member) == ["v3", "v1", "v2"])
            let list = try await client.execute(uri: "/v1/activities", method: .get, headers: bearer(v))
            #expect(list.text.contains(#""rank":3"#))
            for (uri, status, code) in [
                ("/v1/activities/gala/leaderboards/givers?limit=0", 400, "invalid_limit"),
                ("/v1/activities/gala/leaderboards/givers?limit=101", 400, "invalid_limit"),
                ("/v1/activities/gala/leaderboards/givers?limit=x", 400, "invalid_query"),
                ("/v1/activities/gala/leaderboards/nope", 404, "leaderboard_not_found"),
                ("/v1/activities/nope/leaderboards/givers", 404, "activity_not_found"),
                ("/v1/activities/nope", 404, "activity_not_found"),
            ] {
                let r = try await client.execute(uri: uri, method: .get, headers: bearer(v))
                #expect(r.status.code == status, "\(uri)")
                #expect(try r.json(ErrorBody.self).error == code, "\(uri)")
            }
        }
    }

    @Test("a full board keeps the best members_max: a newcomer below the last is not kept, one above evicts the last")
    func membersMax() async throws {
        let script = """
            return activity { id = "small", leaderboards = { b = { members_max = 3 } },
              on = { gift = function(ctx, g) ctx.leaderboard("b"):add(g.sender_id, g.value_coins) end } }
            """
        let e = try await EngineHost(scripts: ["activities/small.lua": script], clock: ManualClock(nowMillis: LiveOps.day1))
        for (i, (user, coins)) in [("a", 30), ("b", 20), ("c", 10), ("d", 5), ("e", 25), ("c", 100)].enumerated() {
            try await LiveOps.gift(e, from: user, to: "s1", coins: Int64(coins), at: LiveOps.day1 + Int64(i))
        }
        try await LiveOps.settle(e)
        let key = BoardKey(scope: "small", board: "b", period: "all")
        #expect(e.engine.activities.leaderboards.top(key, 10).map(\.entry.member) == ["c", "a", "e"])
        let stored = try await e.engine.store.read { db in try String.fetchAll(db, sql: "SELECT member FROM leaderboard_scores ORDER BY member") }
        #expect(stored == ["a", "c", "e"])
    }

    @Test("boards are rebuilt from the store at start with the same ranks")
    func rebuild() async throws {
        let clock = ManualClock(nowMillis: LiveOps.day1 + LiveOps.hour)
        let e = try await EngineHost(scripts: ["activities/gala.lua": Self.board], clock: clock)
        for i in 0..<50 {
            try await LiveOps.gift(e, from: "v\(i % 7)", to: "s1", coins: Int64(i % 5 + 1), at: LiveOps.day1 + Int64(i) * 1000)
        }
        try await LiveOps.settle(e)
        let key = BoardKey(scope: "gala", board: "givers", period: "all")
        let before = e.engine.activities.leaderboards.top(key, 100)
        let reopened = try EngineParts.open(databasePath: e.database.path, scriptsPath: e.folder.path, synchronous: .normal, logger: .quiet())
        try await reopened.loadScripts()
        #expect(reopened.activities.leaderboards.top(key, 100) == before)
        #expect(before.count == 7)
    }

    @Test("a closed day pays its on_period_end once, stays frozen and readable, even after a restart")
    func periodEnd() async throws {
        let clock = ManualClock(nowMillis: LiveOps.day1 + LiveOps.day + LiveOps.hour)
        let e = try await EngineHost(scripts: ["activities/gala.lua": Self.board], clock: clock)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 30, at: LiveOps.day1 + 1000)
        try await LiveOps.gift(e, from: "v2", to: "s1", coins: 20, at: LiveOps.day1 + 2000)
        try await LiveOps.tick(e, at: LiveOps.day1 + LiveOps.hour)
        try await LiveOps.settle(e)
        #expect(try await LiveOps.grants(e, user: "v1", asset: "tickets") == 0)
        try await LiveOps.tick(e, at: LiveOps.day1 + LiveOps.day + 60_000)
        try await LiveOps.tick(e, at: LiveOps.day1 + LiveOps.day + 120_000)
        try await LiveOps.settle(e)
        #expect(try await LiveOps.grants(e, user: "v1", asset: "tickets") == 20)
        #expect(try await LiveOps.grants(e, user: "v2", asset: "tickets") == 10)
        let reopened = try EngineParts.open(databasePath: e.database.path, scriptsPath: e.folder.path, synchronous: .normal, logger: .quiet())
        try await reopened.loadScripts()
        try await Ticker.tick(reopened.store, at: LiveOps.day1 + LiveOps.day + 180_000)
        for _ in 0..<3 { _ = try await reopened.consumers.drain() }
        #expect(try await reopened.ledger.balances(user: "v1")["tickets"] == 20)
        let key = BoardKey(scope: "gala", board: "daily", period: "2027-01-20")
        #expect(reopened.activities.leaderboards.isClosed(key))
        #expect(reopened.activities.leaderboards.top(key, 10).map(\.entry.member) == ["v1", "v2"])
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let page = try await client.execute(
                uri: "/v1/activities/gala/leaderboards/daily?period=2027-01-20", method: .get, headers: bearer(v)).json(BoardPage.self)
            #expect(page.closed && page.rows.count == 2)
        }
    }

    @Test("on_end runs once when the window closes; events after the end are ignored")
    func activityEnd() async throws {
        let script = """
            return activity {
              id = "short", starts_at = "2027-01-20T00:00:00Z", ends_at = "2027-01-21T00:00:00Z",
              leaderboards = { top = {} },
              on = { gift = function(ctx, g) ctx.leaderboard("top"):add(g.streamer_id, g.value_coins) end },
              on_end = function(ctx)
                for _, row in ipairs(ctx.leaderboard("top"):top(1)) do ctx.grant(row.member, "coins", 1000, "winner") end
              end,
            }
            """
        let e = try await EngineHost(scripts: ["activities/short.lua": script], clock: ManualClock(nowMillis: LiveOps.day1))
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 30, at: LiveOps.day1 - 1000)
        try await LiveOps.gift(e, from: "v1", to: "s2", coins: 10, at: LiveOps.day1 + 1000)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 5, at: LiveOps.day1 + 2000)
        try await LiveOps.tick(e, at: LiveOps.day1 + LiveOps.day)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 50, at: LiveOps.day1 + LiveOps.day + 1000)
        try await LiveOps.tick(e, at: LiveOps.day1 + LiveOps.day + 60_000)
        try await LiveOps.settle(e)
        #expect(try await LiveOps.grants(e, user: "s2", asset: "coins") == 1000)
        #expect(try await LiveOps.grants(e, user: "s1", asset: "coins") == 0)
        let ended = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'activity_ended'") }
        #expect(ended == 1)
    }

    @Test("a handler error has no effect, is retried then parked; bad amounts and unknown boards are errors")
    func handlerErrors() async throws {
        let script = """
            return activity {
              id = "bad", leaderboards = { b = {} },
              on = { gift = function(ctx, g)
                ctx.leaderboard("b"):add(g.sender_id, g.value_coins)
                ctx.grant(g.sender_id, "coins", 5, "ok")
                if g.value_coins == 13 then ctx.leaderboard("nope"):add("x", 1) end
                if g.value_coins == 14 then ctx.grant(g.sender_id, "coins", -5, "negative") end
                if g.value_coins == 15 then ctx.leaderboard("b"):add(g.sender_id, 9223372036854775807) end
                if g.value_coins == 16 then ctx.grant(g.sender_id, "stardust", 1, "unknown asset") end
              end },
            }
            """
        let e = try await EngineHost(scripts: ["activities/bad.lua": script], clock: ManualClock(nowMillis: LiveOps.day1))
        for (i, coins) in [13, 14, 15, 16].enumerated() {
            try await LiveOps.gift(e, from: "v\(i)", to: "s1", coins: Int64(coins), at: LiveOps.day1 + Int64(i))
        }
        try await LiveOps.gift(e, from: "good", to: "s1", coins: 7, at: LiveOps.day1 + 10)
        for _ in 0..<30 { _ = try await e.engine.consumers.drain() }
        let parked = try await e.engine.consumers.parked()
        #expect(parked.filter { $0.consumer == "activities" }.count == 4)
        let messages = parked.map(\.error).joined(separator: "\n")
        #expect(messages.contains("unknown leaderboard 'nope'"))
        #expect(messages.contains("activities/bad.lua:"))
        #expect(messages.contains("amount must be positive"))
        #expect(messages.contains("overflow"))
        let key = BoardKey(scope: "bad", board: "b", period: "all")
        #expect(e.engine.activities.leaderboards.top(key, 10).map(\.entry.member) == ["good"])
        for i in 0..<4 { #expect(try await LiveOps.grants(e, user: "v\(i)", asset: "coins") == 0) }
        #expect(try await LiveOps.grants(e, user: "good", asset: "coins") == 5)
        let rows = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM leaderboard_scores") }
        #expect(rows == 1)
    }

    @Test("a batch rolled back for a failing entry applies the others once; a board it made survives a restart")
    func batchRolledBack() async throws {
        let bomb = """
            return activity { id = "z-bomb", on = { gift = function(_, g) if g.value_coins == 13 then error("boom") end end } }
            """
        let clock = ManualClock(nowMillis: LiveOps.day1 + LiveOps.hour)
        let e = try await EngineHost(scripts: ["activities/gala.lua": Self.board, "activities/z_bomb.lua": bomb], clock: clock)
        // One batch: the first gift makes the day's board, the second fails, the third is fine.
        for (i, coins) in [5, 13, 7].enumerated() {
            try await LiveOps.gift(e, from: "v\(i)", to: "s1", coins: Int64(coins), at: LiveOps.day1 + LiveOps.hour + Int64(i))
        }
        for _ in 0..<10 { _ = try await e.engine.consumers.drain() }
        let parked = try await e.engine.consumers.parked()
        #expect(parked.map(\.consumer) == ["activities"] && parked[0].error.contains("boom"))
        let daily = BoardKey(scope: "gala", board: "daily", period: "2027-01-20")
        let rows = e.engine.activities.leaderboards.top(daily, 10).map { "\($0.entry.member)=\($0.entry.score)" }
        #expect(rows == ["v2=7", "v0=5"])
        let periods = try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT board FROM leaderboard_periods WHERE scope = 'gala' ORDER BY board")
        }
        #expect(periods == ["daily", "givers", "low"])
        let reopened = try EngineParts.open(databasePath: e.database.path, scriptsPath: e.folder.path, synchronous: .normal, logger: .quiet())
        try await reopened.loadScripts()
        #expect(reopened.activities.leaderboards.top(daily, 10).map { "\($0.entry.member)=\($0.entry.score)" } == rows)
    }

    static let chestAndWheel = """
        return activity {
          id = "fun",
          chests = { gold = { threshold = 100, rewards = { { weight = 1, reward = { "tickets", 7 } }, { weight = 3, reward = { "item", "voucher", 2 } } } } },
          wheels = { w = { cost = 100, rewards = { { weight = 1, reward = { "coins", 500 } }, { weight = 1, reward = { "badge", "spinner" } } } } },
          on = { gift = function(ctx, g)
            local opened = ctx.chest("gold", g.sender_id, g.value_coins)
            ctx.log("opened", #opened)
          end },
        }
        """

    @Test("chests open at each threshold with a seeded draw; odds are published")
    func chests() async throws {
        let e = try await EngineHost(scripts: ["activities/fun.lua": Self.chestAndWheel], clock: ManualClock(nowMillis: LiveOps.day1))
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 60, at: LiveOps.day1)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 60, at: LiveOps.day1 + 1)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 250, at: LiveOps.day1 + 2)
        try await LiveOps.settle(e)
        let opened = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'chest_opened'") }
        #expect(opened == 3)
        let tickets = try await LiveOps.grants(e, user: "v1", asset: "tickets")
        let inventory = try await e.engine.store.read { db in try RewardPayer.inventory(db, user: "v1") }
        #expect(tickets / 7 + (inventory.items["voucher"] ?? 0) / 2 == 3)
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let detail = try await client.execute(uri: "/v1/activities/fun", method: .get, headers: bearer(v))
            #expect(detail.text.contains(#""probability":0.25"#))
            #expect(detail.text.contains(#""probability":0.75"#))
            #expect(detail.text.contains(#""threshold":100"#))
        }
    }

    @Test("a wheel spin costs its price and pays one reward; replays, conflicts and bad spins")
    func wheel() async throws {
        let e = try await EngineHost(scripts: ["activities/fun.lua": Self.chestAndWheel], clock: ManualClock(nowMillis: LiveOps.day1))
        _ = try await e.engine.ledger.transfer([TransferRequest(
            id: "seed", debit: .system(.promotions, "coins"), credit: .user("v1", "coins"), asset: "coins", amount: 150, code: "seed")])
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let spin = try await client.execute(
                uri: "/v1/activities/fun/wheels/w/spin", method: .post, headers: bearer(v), body: jsonBody(#"{"idempotency_key":"k1"}"#))
            #expect(spin.status == .ok)
            let again = try await client.execute(
                uri: "/v1/activities/fun/wheels/w/spin", method: .post, headers: bearer(v), body: jsonBody(#"{"idempotency_key":"k1"}"#))
            #expect(again.text == spin.text)
            let broke = try await client.execute(
                uri: "/v1/activities/fun/wheels/w/spin", method: .post, headers: bearer(v), body: jsonBody(#"{"idempotency_key":"k2"}"#))
            if spin.text.contains("spinner") {
                #expect(broke.status.code == 422)
                #expect(try broke.json(ErrorBody.self).error == "insufficient_funds")
            } else {
                #expect(broke.status == .ok)
            }
            for (uri, body, status, code) in [
                ("/v1/activities/fun/wheels/nope/spin", #"{"idempotency_key":"k3"}"#, 404, "wheel_not_found"),
                ("/v1/activities/nope/wheels/w/spin", #"{"idempotency_key":"k3"}"#, 404, "activity_not_found"),
                ("/v1/activities/fun/wheels/w/spin", #"{"idempotency_key":""}"#, 400, "invalid_idempotency_key"),
                ("/v1/activities/fun/wheels/w/spin", #"{}"#, 400, "invalid_field"),
                ("/v1/activities/fun/wheels/w/spin", #"{"idempotency_key":"k3","x":1}"#, 400, "unknown_field"),
            ] {
                let r = try await client.execute(uri: uri, method: .post, headers: bearer(v), body: jsonBody(body))
                #expect(r.status.code == status, "\(uri) \(body)")
                #expect(try r.json(ErrorBody.self).error == code, "\(uri) \(body)")
            }
        }
        let spins = try await e.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'wheel_spun'") }
        let coins = try await LiveOps.grants(e, user: "v1", asset: "coins")
        let badges = try await e.engine.store.read { db in try RewardPayer.inventory(db, user: "v1").badges }
        // Every spin cost 100 and paid 500 coins or the badge: the ledger agrees with the spins.
        let won = (spins ?? 0) - (badges.isEmpty ? 0 : 1)
        #expect(coins == 150 - 100 * Int64(spins ?? 0) + 500 * Int64(won))
        let report = try await e.engine.store.read { db in try Reconciliation().check(db) }
        #expect(report.violations.isEmpty)
    }
}

@Suite("Tasks")
struct TaskTests {
    static let tasks = """
        local stages = {}
        for level = 1, 100 do stages[level] = { goal = level * 10, rewards = { { "tickets", level } } } end
        return task { id = "levels", stages = stages, on = { gift = function(ctx, g) ctx.progress(g.sender_id, g.value_coins) end } }
        """
    static let daily = """
        return task {
          id = "daily", repeats = "daily",
          stages = { { goal = 1, rewards = { { "coins", 10 }, { "badge", "early" }, { "item", "rose", 2 } } }, { goal = 3, rewards = { { "tickets", 5 } } } },
          on = { gift = function(ctx, g) ctx.progress(g.sender_id, g.count) end },
        }
        """

    struct Status: Decodable {
        struct Stage: Decodable { let stage: Int; let goal: Int64; let state: String }
        let id: String
        let progress: Int64
        let period: String
        let stages: [Stage]
    }
    struct List: Decodable { let tasks: [Status] }

    func host() async throws -> (EngineHost, ManualClock) {
        let clock = ManualClock(nowMillis: LiveOps.day1 + LiveOps.hour)
        let e = try await EngineHost(scripts: ["tasks/levels.lua": Self.tasks, "tasks/daily.lua": Self.daily], clock: clock)
        return (e, clock)
    }

    func claim(_ stage: Int) -> ByteBuffer { jsonBody(#"{"stage":\#(stage)}"#) }

    @Test("progress from gifts; stages claimable, paid once, with several reward kinds; daily reset")
    func claims() async throws {
        let (e, clock) = try await host()
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 35, count: 1, at: LiveOps.day1 + 1000)
        try await LiveOps.settle(e)
        let v = try e.token(.viewer, user: "v1")
        try await e.test { client in
            let list = try await client.execute(uri: "/v1/tasks", method: .get, headers: bearer(v)).json(List.self)
            let levels = try #require(list.tasks.first { $0.id == "levels" })
            #expect(levels.progress == 35 && levels.stages.count == 100)
            #expect(levels.stages.prefix(4).map(\.state) == ["claimable", "claimable", "claimable", "in_progress"])
            let daily = try #require(list.tasks.first { $0.id == "daily" })
            #expect(daily.period == "2027-01-20" && daily.progress == 1)

            let ok = try await client.execute(uri: "/v1/tasks/daily/claim", method: .post, headers: bearer(v), body: claim(1))
            #expect(ok.status == .ok)
            #expect(ok.text.contains(#""coins":10"#))
            for (uri, stage, status, code) in [
                ("/v1/tasks/daily/claim", 1, 409, "already_claimed"),
                ("/v1/tasks/daily/claim", 2, 409, "stage_not_reached"),
                ("/v1/tasks/daily/claim", 3, 400, "invalid_stage"),
                ("/v1/tasks/daily/claim", 0, 400, "invalid_stage"),
                ("/v1/tasks/levels/claim", 4, 409, "stage_not_reached"),
                ("/v1/tasks/nope/claim", 1, 404, "task_not_found"),
            ] {
                let r = try await client.execute(uri: uri, method: .post, headers: bearer(v), body: claim(stage))
                #expect(r.status.code == status, "\(uri) \(stage)")
                #expect(try r.json(ErrorBody.self).error == code, "\(uri) \(stage)")
            }
            let bad = try await client.execute(uri: "/v1/tasks/daily/claim", method: .post, headers: bearer(v), body: jsonBody(#"{"stage":"one"}"#))
            #expect(bad.status.code == 400)
            let inventory = try await client.execute(uri: "/v1/inventory", method: .get, headers: bearer(v))
            #expect(inventory.text.contains("early") && inventory.text.contains(#""rose":2"#))
        }
        #expect(try await LiveOps.grants(e, user: "v1", asset: "coins") == 10)
        // The next day starts over: yesterday's progress does not count.
        clock.advance(byMillis: LiveOps.day)
        try await e.test { client in
            let list = try await client.execute(uri: "/v1/tasks", method: .get, headers: bearer(v)).json(List.self)
            let daily = try #require(list.tasks.first { $0.id == "daily" })
            #expect(daily.period == "2027-01-21" && daily.progress == 0)
            #expect(daily.stages.map(\.state) == ["in_progress", "in_progress"])
        }
    }

    @Test("20 concurrent claims of one stage pay once")
    func concurrentClaims() async throws {
        let (e, _) = try await host()
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 1000, count: 1, at: LiveOps.day1 + 1000)
        try await LiveOps.settle(e)
        let v = try e.token(.viewer, user: "v1")
        let statuses = try await e.test { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await client.execute(uri: "/v1/tasks/levels/claim", method: .post, headers: bearer(v), body: claim(100)).status.code }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1)
        #expect(statuses.filter { $0 == 409 }.count == 19)
        #expect(try await LiveOps.grants(e, user: "v1", asset: "tickets") == 100)
    }

    @Test("a failing task handler leaves no progress; the rest of the batch keeps theirs")
    func failingHandler() async throws {
        let script = """
            return task { id = "p", stages = { { goal = 1000 } }, on = { gift = function(ctx, g)
              ctx.progress(g.sender_id, g.value_coins)
              if g.value_coins == 13 then error("unlucky") end
            end } }
            """
        let e = try await EngineHost(scripts: ["tasks/p.lua": script], clock: ManualClock(nowMillis: LiveOps.day1))
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 5, at: LiveOps.day1 + 1)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 13, at: LiveOps.day1 + 2)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 7, at: LiveOps.day1 + 3)
        for _ in 0..<10 { _ = try await e.engine.consumers.drain() }
        let progress = try await e.engine.store.read { db in try Int64.fetchOne(db, sql: "SELECT progress FROM task_progress") }
        #expect(progress == 12)
        let parked = try await e.engine.consumers.parked()
        #expect(parked.count == 1 && parked[0].error.contains("tasks/p.lua:3") && parked[0].error.contains("unlucky"))
    }

    @Test("each stage reached journals task_completed once, which other scripts can handle")
    func completions() async throws {
        let watcher = """
            return activity { id = "watcher", leaderboards = { done = {} },
              on = { task_completed = function(ctx, t) ctx.leaderboard("done"):add(t.user_id, t.stage) end } }
            """
        let clock = ManualClock(nowMillis: LiveOps.day1 + LiveOps.hour)
        let e = try await EngineHost(scripts: ["tasks/levels.lua": Self.tasks, "activities/watcher.lua": watcher], clock: clock)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 25, at: LiveOps.day1 + 1)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 5, at: LiveOps.day1 + 2)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 100_000, at: LiveOps.day1 + 3)
        try await LiveOps.settle(e)
        let (done, rows) = try await e.engine.store.read { db in
            let facts = try Int.fetchOne(db, sql: "SELECT SUM(COALESCE(facts, 1)) FROM journal WHERE type = 'task_completed'")
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'task_completed'")
            return (facts, rows)
        }
        #expect(done == 100)
        // Packed: the stages one batch reaches share a row (three gifts, at most three batches).
        #expect((rows ?? 0) >= 1 && (rows ?? 0) <= 3)
        let key = BoardKey(scope: "watcher", board: "done", period: "all")
        #expect(e.engine.activities.leaderboards.standing(key, "v1")?.entry.score == Int64(100 * 101 / 2))
        let progress = try await e.engine.store.read { db in try Int64.fetchOne(db, sql: "SELECT progress FROM task_progress") }
        #expect(progress == 1000)
    }
}

@Suite("What-if replay")
struct ReplayTests {
    static let live = """
        return activity { id = "gala", leaderboards = { givers = {} },
          on = { gift = function(ctx, g) ctx.leaderboard("givers"):add(g.sender_id, g.value_coins) end } }
        """
    static let candidate = """
        return activity { id = "gala", leaderboards = { givers = {} },
          on = { gift = function(ctx, g)
            ctx.leaderboard("givers"):add(g.sender_id, g.value_coins * 2)
            if g.value_coins >= 50 then ctx.grant(g.sender_id, "tickets", 1, "big giver") end
          end } }
        """
    static let task = """
        return task { id = "t", stages = { { goal = 2 } }, on = { gift = function(ctx, g) ctx.progress(g.sender_id, 1) end } }
        """

    @Test("a candidate runs over the window in a scratch copy; the live database is untouched")
    func replay() async throws {
        let e = try await EngineHost(scripts: ["activities/gala.lua": Self.live], clock: ManualClock(nowMillis: LiveOps.day1))
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 10, at: LiveOps.day1 - LiveOps.hour)
        try await LiveOps.gift(e, from: "v1", to: "s1", coins: 60, at: LiveOps.day1 + 1000)
        try await LiveOps.gift(e, from: "v2", to: "s1", coins: 40, at: LiveOps.day1 + 2000)
        try await LiveOps.gift(e, from: "v2", to: "s1", coins: 40, at: LiveOps.day1 + 3000)
        try await LiveOps.gift(e, from: "v3", to: "s1", coins: 99, at: LiveOps.day1 + LiveOps.day + 1)
        try await LiveOps.settle(e)
        let candidate = try ScriptFolder(["activities/gala.lua": Self.candidate, "tasks/t.lua": Self.task])
        defer { candidate.remove() }
        func snapshot() async throws -> [Int] {
            try await e.engine.store.read { db in
                try ["journal", "leaderboard_scores", "ledger_transfers", "consumer_cursors"].map {
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
                }
            }
        }
        let before = try await snapshot()
        let outcome = try await WhatIfReplay.run(
            .init(databasePath: e.database.path, scriptsPath: candidate.path, from: LiveOps.day1, to: LiveOps.day1 + LiveOps.day),
            logger: .quiet())
        #expect(try await snapshot() == before)
        #expect(outcome.entries == 3)
        let c = try #require(outcome.candidate.boards.first { $0.board == "givers" })
        #expect(c.rows.map(\.entry.member) == ["v2", "v1"])
        #expect(c.rows.map(\.entry.score) == [160, 120])
        let l = try #require(outcome.live.boards.first { $0.board == "givers" })
        #expect(l.rows.map(\.entry.member) == ["v3", "v2", "v1"])
        #expect(outcome.candidate.rewards.map { "\($0.user) \($0.asset) \($0.amount)" } == ["v1 tickets 1"])
        #expect(outcome.live.rewards.isEmpty)
        #expect(outcome.candidate.completions.map { "\($0.task) \($0.stage) \($0.users)" } == ["t 1 1"])
        #expect(outcome.errors.isEmpty)
        let text = ReplayCommand.text(outcome, from: "a", to: "b")
        #expect(text.contains("gala/givers@all"))
        #expect(text.contains("v1 tickets: 1 / 0  (+1)"))

        // A broken candidate is refused with its problems; a bad window is an error.
        let broken = try ScriptFolder(["activities/gala.lua": "return activity { id = 1 }"])
        defer { broken.remove() }
        await #expect(throws: GenerationRejected.self) {
            _ = try await WhatIfReplay.run(.init(databasePath: e.database.path, scriptsPath: broken.path, from: 0, to: 1), logger: .quiet())
        }
        await #expect(throws: RequestError.self) {
            _ = try await WhatIfReplay.run(.init(databasePath: e.database.path, scriptsPath: candidate.path, from: 1, to: 1), logger: .quiet())
        }
    }
}

@Suite("Live feeds")
struct LiveFeedTests {
    @Test("changed boards reach the event's room once per flush, latest value wins")
    func leaderboardFeed() async throws {
        let e = try await EngineHost(scripts: ["activities/gala.lua": ActivityTests.board], clock: ManualClock(nowMillis: LiveOps.day1))
        for i in 0..<20 { try await LiveOps.gift(e, from: "v\(i % 3)", to: "s1", coins: 10, at: LiveOps.day1 + Int64(i)) }
        try await LiveOps.settle(e)
        let before = e.engine.bus.position(room: "r1").offset
        // Three boards changed by twenty gifts in one room: three events, then nothing new.
        #expect(e.engine.activities.feed.flush(book: e.engine.activities.leaderboards, bus: e.engine.bus) == 3)
        #expect(e.engine.activities.feed.flush(book: e.engine.activities.leaderboards, bus: e.engine.bus) == 0)
        #expect(e.engine.bus.position(room: "r1").offset - before == 3)
    }

    @Test("watch minutes are journaled once per viewer per minute and advance watch tasks")
    func watchMinutes() async throws {
        let task = """
            return task { id = "watch", repeats = "daily", stages = { { goal = 2 } },
              on = { watch = function(ctx, w) ctx.progress(w.user_id, w.minutes) end } }
            """
        let e = try await EngineHost(scripts: ["tasks/watch.lua": task], clock: ManualClock(nowMillis: LiveOps.day1 + LiveOps.hour))
        let store = e.engine.store
        let t0 = LiveOps.day1 + 60_000
        #expect(try await WatchMeter.record(journal: SQLiteJournalStore(store), previous: [:], current: ["u1": "r1"], at: t0) == 0)
        #expect(try await WatchMeter.record(journal: SQLiteJournalStore(store), previous: ["u1": "r1", "u2": "r1"], current: ["u1": "r1", "u3": "r2"], at: t0 + 60_000) == 1)
        #expect(try await WatchMeter.record(journal: SQLiteJournalStore(store), previous: ["u1": "r1"], current: ["u1": "r1"], at: t0 + 61_000) == 1)
        #expect(try await WatchMeter.record(journal: SQLiteJournalStore(store), previous: ["u1": "r1"], current: ["u1": "r2"], at: t0 + 120_000) == 1)
        let facts = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'watch'") }
        #expect(facts == 2)
        try await LiveOps.settle(e)
        let status = try await e.engine.tasks.list(user: "u1")
        #expect(status.first?.progress == 2)
        #expect(status.first?.stages.first?.state == "claimable")
    }
}
