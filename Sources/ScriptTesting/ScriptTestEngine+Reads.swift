import Books
import Engine
import EngineCore
import Foundation
import LiveOps
import Rooms
import Scripting
import Storage

/// What script tests read and do besides fake events, as plain script values.
extension ScriptTestEngine {
    /// Most journal payloads `journal(type)` returns.
    static let journalReadMax = Journal.readLimitMax

    /// The top of a board, `{ { rank, member, score }, ... }` (at most 100 rows).
    /// - Throws: `RequestError` for an unknown activity or board.
    func leaderboard(activity: String, board: String, period: String?) throws -> LuaValue {
        let page = try activities.page(
            activity, board: board, period: period, limit: Leaderboards.pageMax, around: nil, now: clock.nowMillis())
        return .table(LuaTable(array: page.rows.map { row in
            .table(LuaTable(fields: [
                "rank": .integer(Int64(row.rank)), "member": .string(row.entry.member), "score": .integer(row.entry.score),
            ]))
        }))
    }

    /// An activity as `GET /v1/activities/{id}` shows it, JSON turned into script values.
    /// - Throws: `RequestError` `activity_not_found`.
    func activityDetail(_ id: String) throws -> LuaValue {
        let detail = try activities.detail(id, now: clock.nowMillis())
        return try JSONDecoder().decode(LuaValue.self, from: JSONEncoder().encode(detail))
    }

    /// A user's balance of an asset.
    /// - Throws: `LedgerError` for a malformed user or an unknown asset.
    func balance(user: String, asset: String) async throws -> Int64 {
        try await ledger.balance(.user(user, asset))
    }

    /// A user's progress on a task in the current period, `{ progress, period, stages = { { stage, goal, state } } }`.
    /// - Throws: `TaskError` `task_not_found`.
    func task(user: String, id: String) async throws -> LuaValue {
        let def = try tasks.definition(id)
        let period = calendar.key(def.repeats, at: clock.nowMillis())
        let status = try await tasks.store.read { tx in try Tasks.status(def, user: user, period: period, in: tx) }
        let stages = status.stages.map { s -> LuaValue in
            .table(LuaTable(fields: ["stage": .integer(Int64(s.stage)), "goal": .integer(s.goal), "state": .string(s.state)]))
        }
        return .table(LuaTable(fields: [
            "progress": .integer(status.progress), "period": .string(status.period), "stages": .table(LuaTable(array: stages)),
        ]))
    }

    /// Claims a stage as the user would (`POST /v1/tasks/{id}/claim`), then settles.
    func claim(user: String, task: String, stage: Int) async throws {
        _ = try await tasks.claim(user: user, taskID: task, stage: stage)
        _ = try await settle()
    }

    /// Spins a wheel as the user would, then settles. - Returns: the outcome as the route shows it.
    func spin(user: String, activity: String, wheel: String, key: String) async throws -> LuaValue {
        let s = try await activities.spin(user: user, activity: activity, wheel: wheel, idempotencyKey: key, now: clock.nowMillis())
        _ = try await settle()
        return .table(LuaTable(fields: [
            "activity": .string(s.activity), "wheel": .string(s.wheel), "draw": .integer(s.draw), "cost": .integer(s.cost),
            "asset": .string(s.asset),
            "reward": .table(LuaTable(fields: [
                "kind": .string(s.reward.kind), "name": .string(s.reward.name), "amount": .integer(s.reward.amount),
            ])),
            "balances": .table(LuaTable(fields: s.balances.mapValues(LuaValue.integer))),
        ]))
    }

    /// A user's badges and items, `{ badges = { ... }, items = { name = count } }`.
    /// Creates or replaces a privilege product from its table.
    func privilegeProduct(id: String, _ product: LuaTable) async throws {
        let json = try JSONEncoder().encode(LuaValue.table(product))
        let edit: PrivilegeProductEdit
        do {
            edit = try JSONDecoder().decode(PrivilegeProductEdit.self, from: json)
        } catch {
            throw RequestError("invalid_product", .badRequest, "not a product: \(error)")
        }
        _ = try await Privileges(store: store, ledger: ledger, clock: clock).put(id: id, edit)
    }

    /// Buys a privilege for `user` with a fresh idempotency key, then the consumers catch up.
    func buyPrivilege(user: String, product: String, tier: String, days: Int64, streamer: String?) async throws -> [ParkedEvent] {
        let key = "test-\(serial())"
        _ = try await Privileges(store: store, ledger: ledger, clock: clock).purchase(
            buyer: user, PurchaseRequest(product: product, tier: tier, days: days, streamerID: streamer, idempotencyKey: key))
        return try await settle()
    }

    /// Runs a queue gate as an apply would (params validated first).
    func gate(template: String, viewer: String, streamer: String, params: LuaTable) async throws -> QueueGates.Verdict {
        let gates = QueueGates(scripts: scripts, ledger: ledger, calendar: calendar)
        let checked = try gates.validate(template: template, params: params.fields)
        let now = clock.nowMillis()
        let who = LuaValue.table(LuaTable(fields: ["id": .string(viewer)]))
        return try await testStore.read { tx in
            gates.check(reads: tx.gateReads(gates), template: template, params: checked, viewer: who, streamer: streamer, now: now)
        }
    }

    /// `viewer` follows `streamer` in a room of theirs, then the consumers catch up.
    func follow(viewer: String, streamer: String) async throws -> [ParkedEvent] {
        let room = Room(id: "room-1", streamerID: streamer, title: "Room", category: "test", createdAt: 0)
        _ = try await Follows(store: SQLiteFollowStore(store), clock: clock).follow(viewer: viewer, room: room)
        return try await settle()
    }

    func fanMedal(viewer: String, streamer: String) async throws -> LuaValue {
        let day = calendar.key(.daily, at: clock.nowMillis())
        guard let m = try await testStore.read({ tx in try tx.fanMedal(viewer: viewer, streamer: streamer, day: day) }) else {
            return .nil
        }
        return .table(LuaTable(fields: ["level": .integer(m.level), "points": .integer(m.points), "today": .integer(m.todayPoints)]))
    }

    func inventory(user: String) async throws -> LuaValue {
        let inv = try await tasks.store.read { tx in try tx.inventory(user: user) }
        return .table(LuaTable(fields: [
            "badges": .table(LuaTable(array: inv.badges.map(LuaValue.string))),
            "items": .table(LuaTable(fields: inv.items.mapValues(LuaValue.integer))),
        ]))
    }

    /// The payloads of every journal fact of `type`, oldest first, a packed row's facts one by
    /// one (at most `journalReadMax` facts).
    func journal(type: String) async throws -> LuaValue {
        let payloads = try await testStore.read { tx in try tx.journalPayloads(type: type, limit: Self.journalReadMax) }
        let decoder = JSONDecoder()
        return .table(LuaTable(array: try payloads.map { try decoder.decode(LuaValue.self, from: Data($0.utf8)) }))
    }

    /// Grants `amount` of `asset` to `user` from the promotions account, as an operator grant would.
    /// - Throws: `LedgerError` (unknown asset, malformed user).
    func grant(user: String, asset: String, amount: Int64) async throws {
        _ = try await ledger.transfer([TransferRequest(
            id: "script-test-grant:\(serial())", debit: .system(.promotions, asset), credit: .user(user, asset), asset: asset,
            amount: amount, code: "grant", memo: "script test")])
    }
}
