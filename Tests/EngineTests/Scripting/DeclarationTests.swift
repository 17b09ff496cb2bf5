import Engine
import EngineTesting
@testable import Scripting
import Testing

@Suite("Declarations")
struct DeclarationTests {
    func problems(_ files: [String: String]) -> [String] {
        let list = files.map { ScriptFile(path: $0.key, text: $0.value) }.sorted { $0.path < $1.path }
        switch ScriptGeneration.compile(list, api: .standard, limits: ScriptLimits(), vmCount: 1) {
        case .success: return []
        case .failure(let r): return r.problems.map(\.description)
        }
    }

    @Test("the shipped examples of the operator's contract load")
    func contractExamples() throws {
        #expect(problems([
            "activities/gala.lua": """
                return activity {
                  id = "spring-gala", title = "Spring Gala",
                  starts_at = "2027-01-20T00:00:00+08:00", ends_at = "2027-02-05T00:00:00+08:00",
                  leaderboards = { streamers = { order = "desc", reset = "never" }, fans = { reset = "daily" } },
                  on = { gift = function(ctx, gift) end },
                  on_end = function(ctx) end,
                }
                """,
            "tasks/daily.lua": """
                return task { id = "daily-gifts", repeats = "daily",
                  stages = { { goal = 1, rewards = { { "coins", 10 } } }, { goal = 10, rewards = { { "badge", "generous" } } } },
                  on = { gift = function(ctx, gift) ctx.progress(gift.sender_id, gift.count) end } }
                """,
            "queues/medal.lua": """
                return queue_gate { id = "fan-medal", params = { level = { type = "integer", min = 1, max = 40 } },
                  check = function(ctx, viewer, params) return true end }
                """,
            "orders/hmp.lua": """
                return order_machine { id = "help-me-play", initial = "paid",
                  states = { paid = { code = 10, external = "pending" }, done = { code = 40, external = "done", final = true, settle = "post" } },
                  transitions = { finish = { from = { "paid" }, to = "done", by = { "streamer", "system" } } },
                  timeouts = { paid = { after = "24h", fire = "finish" } } }
                """,
            "gifts/combo.lua": "return gift_step { id = 'combo', order = 10, after_commit = function(ctx, gift) end }",
            "settlement/base.lua": "return settlement_policy { id = 'base', streamer = function(ctx, s) end }",
        ]) == [])
    }

    @Test(
        "shape errors name the file, the line and the field",
        arguments: [
            ("activity {\n id = 'a',\n tittle = 'x' }", "Scripts/activities/x.lua:1: activity: unknown field 'tittle'"),
            ("activity { id = 'A B' }", "Scripts/activities/x.lua:1: activity.id: 'A B' is not an id"),
            ("activity { title = 'no id' }", "Scripts/activities/x.lua:1: activity.id: required field is missing"),
            ("activity { id = 'a', leaderboards = { x = { reset = 'hourly' } } }",
                "activity.leaderboards.x.reset: expected one of never, daily, weekly, monthly, window; got 'hourly'"),
            ("activity { id = 'a', on = { gfit = function() end } }", "activity.on: unknown key 'gfit'"),
            ("activity { id = 'a', on = { gift = 1 } }", "activity.on.gift: function expected, got number"),
            ("activity { id = 'a', starts_at = 'tomorrow' }", "activity.starts_at: 'tomorrow' is not an ISO 8601 time"),
            ("activity { id = 'a', starts_at = '2027-01-02T00:00:00Z', ends_at = '2027-01-01T00:00:00Z' }",
                "ends_at must be after starts_at"),
            ("activity { id = 'a', [1] = 2 }", "activity: keys must be field names"),
            ("activity('a')", "activity: table expected, got string"),
        ])
    func shapeErrors(_ decl: String, _ expected: String) {
        let found = problems(["activities/x.lua": "return " + decl])
        #expect(found.count == 1)
        #expect(found.first?.contains(expected) == true, "\(found)")
    }

    @Test("every problem of a broken generation is reported, file by file")
    func allProblemsReported() {
        let found = problems([
            "activities/a.lua": "return activity { id = 'same' }",
            "activities/b.lua": "return activity { id = 'same' }",
            "activities/c.lua": "return task { id = 'c', stages = { { goal = 1 } } }",
            "activities/d.lua": "local x = \nreturn activity { id = 'd' }",
            "activities/e.lua": "return 1, 2",
            "activities/f.lua": "error('boom')",
            "tasks/t.lua": "return task { id = 't', stages = { { goal = 5 }, { goal = 5 } } }",
            "orders/o.lua": "return order_machine { id = 'o', initial = 'nope', states = {}, transitions = {} }",
        ])
        #expect(found.count == 7, "\(found)")
        #expect(found.contains { $0.hasPrefix("Scripts/activities/b.lua:1: duplicate activity id 'same' (also declared in Scripts/activities/a.lua)") })
        #expect(found.contains { $0.contains("activities/c.lua:1: files in activities/ must return activity{...}, not task{...}") })
        #expect(found.contains { $0.hasPrefix("Scripts/activities/d.lua:2:") })
        #expect(found.contains { $0.contains("activities/e.lua:1: the file must return one activity{...} declaration (returned 2 values)") })
        #expect(found.contains { $0.hasPrefix("Scripts/activities/f.lua:1: boom") })
        #expect(found.contains { $0.contains("stages: goals must increase") })
        #expect(found.contains { $0.contains("initial: not one of the states") })
    }

    @Test(
        "an order machine's references, settlements and timeouts are checked at load",
        arguments: [
            ("initial = 'done'", "initial: a final state cannot start an order"),
            ("states = { paid = { code = 1, external = 'p' }, done = { code = 2, external = 'd', final = true } }",
                "states.done.settle: a final state says post or void"),
            ("states = { paid = { code = 1, external = 'p', settle = 'post' }, done = { code = 2, external = 'd', final = true, settle = 'void' } }",
                "states.paid.settle: only a final state settles"),
            ("transitions = { go = { from = { 'done' }, to = 'paid', by = { 'viewer' } } }", "transitions.go.from: 'done' is final; final states absorb"),
            ("transitions = { go = { from = { 'paid' }, to = 'nowhere', by = { 'viewer' } } }", "transitions.go.to: unknown state"),
            ("transitions = { go = { from = { }, to = 'done', by = { 'viewer' } } }", "transitions.go.from: at least one state"),
            ("transitions = { go = { from = { 'paid' }, to = 'done', by = { } } }", "transitions.go.by: at least one actor"),
            ("timeouts = { paid = { after = '1h', fire = 'go' } }", "timeouts.paid.fire: 'go' must allow the actor 'system'"),
            ("timeouts = { done = { after = '1h', fire = 'go' } }", "timeouts.done: a final state has no timeout"),
            ("timeouts = { paid = { after = '367d', fire = 'sys' } }", "timeouts.paid.after: at most 366d"),
            ("timeouts = { paid = { after = '1h', fire = 'back' } }", "timeouts.paid.fire: 'back' does not leave 'paid'"),
            ("fee_bp = 10001", "order_machine.fee_bp"),
        ])
    func orderMachineChecks(_ change: String, _ message: String) {
        var fields = [
            "initial": "initial = 'paid'",
            "states": "states = { paid = { code = 1, external = 'p' }, mid = { code = 3, external = 'm' }, done = { code = 2, external = 'd', final = true, settle = 'post' } }",
            "transitions": """
                transitions = { go = { from = { 'paid' }, to = 'done', by = { 'viewer' } }, sys = { from = { 'paid' }, to = 'done', by = { 'system' } },
                  back = { from = { 'mid' }, to = 'paid', by = { 'system' } } }
                """,
        ]
        let key = String(change.prefix { $0 != " " })
        fields[key] = change
        let body = fields.sorted { $0.key < $1.key }.map(\.value).joined(separator: ", ")
        let found = problems(["orders/o.lua": "return order_machine { id = 'o', \(body) }"])
        #expect(found.count == 1 && found[0].contains(message), "\(found)")
    }

    @Test("scripts check reports problems with the folder as given")
    func checker() throws {
        let folder = try ScriptFolder([
            "activities/ok.lua": "return activity { id = 'ok' }",
            "activities/bad.lua": "return activity { id = 'bad', nope = 1 }",
            "activities/ok_test.lua": "this is not lua but tests are skipped",
            "stray/x.lua": "return 1",
            "types/showrunner.lua": "---@meta",
        ])
        defer { folder.remove() }
        let found = ScriptChecker.check(directory: folder.path).map(\.description).sorted()
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.hasPrefix(folder.path + "/activities/bad.lua:1: activity: unknown field 'nope'") })
        #expect(found.contains { $0.hasPrefix(folder.path + "/stray/x.lua:1: scripts live in one of") })
        #expect(ScriptChecker.check(directory: folder.path + "/nope").first?.message == "not a directory")
    }
}
