import EngineCore

extension HostAPI {
    static func boards(_ call: borrowing LuaCall) throws(ScriptArgumentError) -> any ScriptBoards {
        guard let b = try requireContext(call).boards else {
            throw ScriptArgumentError(message: "\(call.function): leaderboards and chests are only for activities")
        }
        return b
    }

    /// Runs a board operation, turning any refusal into a Lua error at the script's line.
    static func board<T>(_ call: borrowing LuaCall, _ body: (any ScriptBoards, String, String?) throws -> T) throws(ScriptArgumentError) -> T {
        let b = try boards(call)
        guard let name = call.selfString("name") else {
            throw ScriptArgumentError(message: "\(call.function): call it as board:\(call.function)(...)")
        }
        do { return try body(b, name, call.selfString("period")) } catch let e as ScriptArgumentError { throw e } catch let e as any ShowrunnerError {
            throw ScriptArgumentError(message: "\(call.function): \(e.message)")
        } catch { throw ScriptArgumentError(message: "\(call.function): \(error)") }
    }

    static func count(_ call: borrowing LuaCall, _ n: Int, max: Int) throws(ScriptArgumentError) -> Int {
        let v = try call.integer(n)
        guard v >= 1, v <= Int64(max) else { throw call.argumentError(n, "must be 1...\(max), got \(v)") }
        return Int(v)
    }

    static func mutation(_ op: String, _ summary: String) -> HostFunction {
        HostFunction(
            op, scope: .method("Leaderboard"), parameters: [.init("member", "string"), .init("n", "integer")],
            returns: ["LeaderboardRow?"], summary: summary
        ) { call in
            let member = try call.string(1)
            guard !member.isEmpty, member.utf8.count <= 128 else { throw call.argumentError(1, "member must be 1...128 bytes") }
            let n = try call.integer(2)
            let row = try board(call) { b, name, period in try b.mutate(name, period: period, member: member, op: op, value: n) }
            call.returnTable(row)
        }
    }

    static let contextBoards: [HostFunction] = [
        HostFunction(
            "leaderboard", scope: .ctx, parameters: [.init("name", "string"), .init("period", "string?")],
            returns: ["Leaderboard"],
            summary: "One of the activity's declared leaderboards, in the current period or a named past one."
        ) { call in
            let name = try call.string(1)
            let period = try call.optionalString(2)
            let b = try boards(call)
            do { try b.check(name, period: period) } catch let e as ScriptArgumentError { throw e } catch let e as any ShowrunnerError {
                throw ScriptArgumentError(message: "leaderboard: \(e.message)")
            }
            call.returnObject("showrunner.Leaderboard", arguments: "name", "period")
        },
        HostFunction(
            "chest", scope: .ctx, parameters: [.init("name", "string"), .init("owner", "string"), .init("n", "integer")],
            returns: ["table"],
            summary: "Advances owner toward a declared chest; returns the rewards of each chest it opened ({} if none)."
        ) { call in
            let name = try call.string(1)
            let owner = try call.string(2)
            let n = try positive(call, 3)
            let b = try boards(call)
            let opened: [LuaValue]
            do { opened = try b.chest(name, owner: owner, amount: n) } catch let e as ScriptArgumentError { throw e } catch let e as any ShowrunnerError {
                throw ScriptArgumentError(message: "chest: \(e.message)")
            }
            call.return(.table(LuaTable(array: opened)))
        },
        mutation("add", "Adds n (may be negative) to member's score; returns their row."),
        mutation("set", "Sets member's score to n; returns their row."),
        mutation("best", "Keeps the better of member's score and n; returns their row."),
        HostFunction("top", scope: .method("Leaderboard"), parameters: [.init("n", "integer")], returns: ["LeaderboardRow[]"],
            summary: "The first n rows (n at most 100), best first.") { call in
            let n = try count(call, 1, max: 100)
            let rows = try board(call) { b, name, period in try b.top(name, period: period, n: n) }
            call.return(.table(LuaTable(array: rows)))
        },
        HostFunction("rank", scope: .method("Leaderboard"), parameters: [.init("member", "string")], returns: ["LeaderboardRow?"],
            summary: "The member's row ({ rank, member, score, reached_at }), or nil.") { call in
            let member = try call.string(1)
            call.returnTable(try board(call) { b, name, period in try b.rank(name, period: period, member: member) })
        },
        HostFunction("around", scope: .method("Leaderboard"), parameters: [.init("member", "string"), .init("n", "integer")],
            returns: ["LeaderboardRow[]"], summary: "Up to n rows above the member, the member, and up to n below (n at most 50).") { call in
            let member = try call.string(1)
            let n = try count(call, 2, max: 50)
            let rows = try board(call) { b, name, period in try b.around(name, period: period, member: member, n: n) }
            call.return(.table(LuaTable(array: rows)))
        },
        HostFunction("count", scope: .method("Leaderboard"), returns: ["integer"], summary: "Members on the board.") { call in
            call.return(.integer(Int64(try board(call) { b, name, period in try b.count(name, period: period) })))
        },
    ]
}
