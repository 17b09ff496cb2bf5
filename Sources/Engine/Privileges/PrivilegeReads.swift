import GRDB

/// The privilege and fan-medal reads of `ctx`, for any reads that hold the handler's database.
protocol StoreScriptReads: ScriptReads {
    var db: Database { get }
    var calendar: OperationsCalendar { get }
}

extension StoreScriptReads {
    func fanMedal(viewer: String, streamer: String, now: Int64) throws -> LuaValue {
        guard let m = try FanMedals.medal(db, viewer: viewer, streamer: streamer, day: calendar.key(.daily, at: now)) else { return .nil }
        return .table(LuaTable(fields: ["level": .integer(m.level), "points": .integer(m.points), "today": .integer(m.todayPoints)]))
    }

    func guardHeld(viewer: String, streamer: String, now: Int64) throws -> LuaValue {
        guard let g = try Privileges.guardHeld(db, viewer: viewer, streamer: streamer, now: now) else { return .nil }
        return .table(LuaTable(fields: [
            "tier": .string(g.tier), "rank": .integer(g.rank), "product": .string(g.product), "expires_at": .integer(g.expiresAt),
        ]))
    }

    func vip(user: String, line: String, now: Int64) throws -> LuaValue {
        guard let v = try Privileges.vipHeld(db, user: user, line: line, now: now) else { return .nil }
        return .table(LuaTable(fields: ["tier": .string(v.tier), "rank": .integer(v.rank), "expires_at": .integer(v.expiresAt)]))
    }

    func privileges(user: String, now: Int64) throws -> LuaValue {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT p.product, d.kind, p.tier, p.tier_rank, p.scope, p.expires_at FROM privileges p
                JOIN privilege_products d ON d.id = p.product
                WHERE p.user_id = ? AND p.expires_at > ? ORDER BY p.product, p.scope
                """), arguments: [user, now])
        return .table(LuaTable(array: rows.map { row in
            var fields: [String: LuaValue] = [
                "product": .string(row[0]), "kind": .string(row[1]), "tier": .string(row[2]), "rank": .integer(row[3]),
                "expires_at": .integer(row[5]),
            ]
            let scope: String = row[4]
            if !scope.isEmpty { fields["streamer_id"] = .string(scope) }
            return .table(LuaTable(fields: fields))
        }))
    }
}
