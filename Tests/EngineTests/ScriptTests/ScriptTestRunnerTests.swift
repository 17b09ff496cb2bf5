import Engine
import EngineTesting
import Foundation
@testable import ScriptTesting
@testable import Scripting
import Testing

/// The script test harness itself: outcomes, positions, isolation, refusals.
@Suite("script test runner")
struct ScriptTestRunnerTests {
    static let probe = """
        return activity {
          id = "probe",
          leaderboards = { givers = { order = "desc" } },
          on = {
            gift = function(ctx, gift)
              if gift.gift_id == "bomb" then error("no bombs here") end
              ctx.leaderboard("givers"):add(gift.sender_id, gift.value_coins)
            end,
          },
        }
        """

    /// Runs `test` as `activities/probe_test.lua` beside the probe activity.
    func run(
        _ test: String, extra: [String: String] = [:], options: ScriptTestOptions = ScriptTestOptions()
    ) async throws -> (ScriptTestReport, String) {
        var files = ["activities/probe.lua": Self.probe, "activities/probe_test.lua": test]
        for (path, text) in extra { files[path] = text }
        let folder = try ScriptFolder(files)
        defer { folder.remove() }
        let report = try await ScriptTestRunner(directory: folder.path, options: options).run()
        return (report, folder.path + "/activities/probe_test.lua")
    }

    @Test("a passing file passes")
    func passing() async throws {
        let (report, path) = try await run("""
            test("gifts rank givers", function()
              events.gift{ sender_id = "a", streamer_id = "s", price_coins = 5, count = 2 }
              events.gift{ sender_id = "b", streamer_id = "s", price_coins = 3 }
              expect_eq(leaderboard("probe", "givers"), { { rank = 1, member = "a", score = 10 }, { rank = 2, member = "b", score = 3 } })
            end)
            test("an empty case passes", function() end)
            """)
        #expect(report.ok && report.passed == 2 && report.files == 1)
        #expect(report.results.map(\.line) == ["ok   \(path): gifts rank givers", "ok   \(path): an empty case passes"])
    }

    @Test("a failing expect reports its file, its line and the values; the run fails")
    func failingExpect() async throws {
        let (report, path) = try await run("""
            test("adds up", function()
              events.gift{ sender_id = "a", streamer_id = "s", price_coins = 5 }
              expect_eq(leaderboard("probe", "givers")[1].score, 6)
            end)
            test("tables", function()
              expect_eq({ rows = { { score = 1 }, { score = 2 } } }, { rows = { { score = 1 }, { score = 3 } } }, "second row")
            end)
            """)
        #expect(!report.ok && report.failed == 2)
        #expect(report.results[0].outcome == .failed(ScriptProblem(path: path, line: 3, message: "expect_eq: expected 6, got 5")))
        #expect(report.results[0].line == "FAIL \(path):3: adds up: expect_eq: expected 6, got 5")
        let second = try #require(report.results[1].problem)
        #expect(second.line == 6)
        #expect(second.message.hasPrefix("expect_eq: second row: at .rows[2].score: expected 3, got 2"))
    }

    @Test("an erroring case is reported at the line that raised, and the next case still runs")
    func erroring() async throws {
        let (report, path) = try await run("""
            test("nil index", function()
              local t = nil
              return t.x
            end)
            test("a handler fails", function()
              events.gift{ sender_id = "a", streamer_id = "s", gift_id = "bomb", price_coins = 1 }
            end)
            test("the failure can be expected", function()
              local text = expect_error(function()
                events.gift{ sender_id = "a", streamer_id = "s", gift_id = "bomb", price_coins = 1 }
              end, "no bombs")
              expect_true(text:find("probe.lua:6", 1, true), text)
              expect_eq(leaderboard("probe", "givers"), {})
            end)
            test("still running", function() expect_true(true) end)
            """)
        #expect(report.failed == 2 && report.passed == 2)
        guard case .errored(let first) = report.results[0].outcome else { Issue.record("not errored"); return }
        #expect(first.path == path && first.line == 3 && first.message.contains("attempt to index a nil value"))
        guard case .errored(let second) = report.results[1].outcome else { Issue.record("not errored"); return }
        #expect(second.line == 6)
        #expect(second.message.contains("events.gift: activities failed on gift"))
        #expect(second.message.contains("activities/probe.lua:6: no bombs here"))
    }

    @Test("every case runs on a fresh engine with the clock at its start")
    func freshEngines() async throws {
        let (report, _) = try await run("""
            local seen = 0
            test("first", function()
              seen = seen + 1
              clock.advance("3d")
              events.gift{ sender_id = "a", streamer_id = "s", price_coins = 5 }
              grant("a", "coins", 7)
              leaked = true
            end)
            test("second", function()
              expect_eq(seen, 1, "file locals are shared")
              expect_eq(leaked, nil, "globals are not")
              expect_eq(clock.now(), 1798761600000)
              expect_eq(leaderboard("probe", "givers"), {})
              expect_eq(balance("a", "coins"), 0)
              expect_eq(journal("gift"), {})
            end)
            """)
        #expect(report.ok, "\(report.results.map(\.line))")
    }

    @Test("the clock: set, advance, now; bad times are errors at the test's line")
    func clock() async throws {
        let (report, _) = try await run("""
            test("moves", function()
              clock.set("2027-01-20T10:00:00+08:00")
              expect_eq(clock.now(), 1800410400000)
              clock.advance("90m")
              expect_eq(clock.now(), 1800410400000 + 90 * 60000)
              clock.set(5)
              expect_eq(clock.now(), 5)
              expect_error(function() clock.set("tomorrow") end, "probe_test.lua:8: bad argument #1 to 'clock.set'")
              expect_error(function() clock.advance("5w") end, "duration")
              expect_error(function() clock.advance("-5m") end, "duration")
              expect_error(function() clock.set = nil end, "read%-only")
            end)
            """)
        #expect(report.ok, "\(report.results.map(\.line))")
    }

    @Test("fake events refuse unknown fields, missing fields and unhandled types")
    func badEvents() async throws {
        let (report, _) = try await run("""
            test("refusals", function()
              expect_error(function() events.gift{ sender_id = "a", streamer_id = "s", prize_coins = 1 } end, "unknown field 'prize_coins'")
              expect_error(function() events.gift{ sender_id = "a", price_coins = 1 } end, "field 'streamer_id' is required")
              expect_error(function() events.gift{ sender_id = "a", streamer_id = "s", price_coins = 0 } end, "at least 1")
              expect_error(function() events.danmaku{ user_id = 7 } end, "must be a string")
              expect_error(function() events.emit("gift", {}) end, "bad argument #1 to 'events.emit'")
              events.emit("follow", { user_id = "a", streamer_id = "s" })
              expect_eq(journal("follow"), { { user_id = "a", streamer_id = "s" } })
              expect_eq(journal("gift"), {})
            end)
            """)
        #expect(report.ok, "\(report.results.map(\.line))")
    }

    @Test("engine functions are refused at a file's top level; the file then fails to load")
    func topLevel() async throws {
        let (report, path) = try await run("""
            test("never runs", function() end)
            events.tick()
            """)
        #expect(report.results.count == 1 && report.failed == 1)
        let result = report.results[0]
        #expect(result.name == "(load)")
        let message = "events.tick: only inside a test case (test(\"name\", function() ... end))"
        #expect(result.problem == ScriptProblem(path: path, line: 2, message: message))
    }

    @Test("registration mistakes are load errors")
    func registration() async throws {
        let (dup, _) = try await run("""
            test("a", function() end)
            test("a", function() end)
            """)
        #expect(dup.results.map(\.problem?.message) == ["test: duplicate case name 'a'"])
        let (nested, _) = try await run("""
            test("a", function() test("b", function() end) end)
            """)
        #expect(nested.results[0].problem?.message == "test: cases are registered at the top level of a test file")
    }

    @Test("tests require lib modules and print into their output")
    func libAndPrint() async throws {
        let (report, _) = try await run("""
            local util = require "lib.util"
            test("uses util", function()
              print("double", util.double(21), nil)
              expect_eq(util.double(21), 42)
            end)
            """, extra: ["lib/util.lua": "return { double = function(n) return n * 2 end }"])
        #expect(report.ok)
        #expect(report.results[0].output == ["double\t42\tnil"])
    }

    @Test("a case past its budget is stopped and reported")
    func budget() async throws {
        var options = ScriptTestOptions()
        options.testLimits.callInstructionsMax = 100_000
        let (report, _) = try await run("""
            test("spins", function()
              while true do end
            end)
            """, options: options)
        guard case .errored(let p) = report.results[0].outcome else { Issue.record("not errored"); return }
        #expect(p.line == 2 && p.message.contains("instruction budget exceeded"))
    }

    @Test("the filter selects cases by name or path")
    func filter() async throws {
        var options = ScriptTestOptions()
        options.filter = "second"
        let (report, _) = try await run("""
            test("first", function() fail("not selected") end)
            test("second", function() end)
            """, options: options)
        #expect(report.results.map(\.name) == ["second"] && report.ok)
    }

    @Test("a scripts folder that does not load is refused before any test runs")
    func brokenFolder() async throws {
        let folder = try ScriptFolder([
            "activities/bad.lua": "return activity { id = 'x', tittle = 'typo' }",
            "activities/bad_test.lua": "test('x', function() end)",
        ])
        defer { folder.remove() }
        await #expect(throws: GenerationRejected.self) { try await ScriptTestRunner(directory: folder.path).run() }
    }

    @Test("the test API never appears in a production VM")
    func notInProduction() throws {
        let text = """
            assert(test == nil and expect_eq == nil and events == nil and clock == nil and leaderboard == nil)
            return activity { id = 'x' }
            """
        let files = [ScriptFile(path: "activities/x.lua", text: text)]
        _ = try ScriptGeneration.compile(files, api: .standard, limits: ScriptLimits(), vmCount: 1).get()
    }
}
