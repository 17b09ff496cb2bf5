import EngineCore
import Rooms
import Scripting

/// The privilege and fan-medal lookups a script's `ctx` reads and the resolver uses, in the
/// caller's transaction. Reads only; the storage layer implements it (a `PrivilegeTransaction`
/// is one, and so is what a script handler's reads hand out).
public protocol PrivilegeReads {
    /// `viewer`'s medal for `streamer`, its today's points those of `day`, if any.
    func medal(viewer: String, streamer: String, day: String) throws -> FanMedals.Medal?
    /// The medal `viewer` wears, as others see it.
    func wornMedal(viewer: String) throws -> WornMedal?
    /// The guard `viewer` holds for `streamer` now, if any (the highest-ranked one).
    func guardHeld(viewer: String, streamer: String, now: Int64) throws -> (tier: String, rank: Int64, product: String, expiresAt: Int64)?
    /// The tier of VIP line `line` that `user` holds now, if any.
    func vipHeld(user: String, line: String, now: Int64) throws -> (tier: String, rank: Int64, expiresAt: Int64)?
    /// `user`'s holdings active at `now` with their products' kinds (raw values), ordered by
    /// product, then scope (the streamer of a guard, empty otherwise).
    func activeHoldingKinds(user: String, now: Int64) throws
        -> [(product: String, kind: String, tier: String, rank: Int64, scope: String, expiresAt: Int64)]
}

/// The privilege and fan-medal reads of `ctx`, for any reads that see the handler's transaction.
package protocol StoreScriptReads: ScriptReads {
    /// The privilege tables in the handler's transaction.
    var privilegeReads: any PrivilegeReads { get }
    var calendar: OperationsCalendar { get }
}

extension StoreScriptReads {
    package func fanMedal(viewer: String, streamer: String, now: Int64) throws -> LuaValue {
        guard let m = try privilegeReads.medal(viewer: viewer, streamer: streamer, day: calendar.key(.daily, at: now)) else { return .nil }
        return .table(LuaTable(fields: ["level": .integer(m.level), "points": .integer(m.points), "today": .integer(m.todayPoints)]))
    }

    package func guardHeld(viewer: String, streamer: String, now: Int64) throws -> LuaValue {
        guard let g = try privilegeReads.guardHeld(viewer: viewer, streamer: streamer, now: now) else { return .nil }
        return .table(LuaTable(fields: [
            "tier": .string(g.tier), "rank": .integer(g.rank), "product": .string(g.product), "expires_at": .integer(g.expiresAt),
        ]))
    }

    package func vip(user: String, line: String, now: Int64) throws -> LuaValue {
        guard let v = try privilegeReads.vipHeld(user: user, line: line, now: now) else { return .nil }
        return .table(LuaTable(fields: ["tier": .string(v.tier), "rank": .integer(v.rank), "expires_at": .integer(v.expiresAt)]))
    }

    package func privileges(user: String, now: Int64) throws -> LuaValue {
        let rows = try privilegeReads.activeHoldingKinds(user: user, now: now)
        return .table(LuaTable(array: rows.map { row in
            var fields: [String: LuaValue] = [
                "product": .string(row.product), "kind": .string(row.kind), "tier": .string(row.tier), "rank": .integer(row.rank),
                "expires_at": .integer(row.expiresAt),
            ]
            if !row.scope.isEmpty { fields["streamer_id"] = .string(row.scope) }
            return .table(LuaTable(fields: fields))
        }))
    }
}
