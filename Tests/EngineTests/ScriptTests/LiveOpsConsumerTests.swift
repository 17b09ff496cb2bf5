import Engine
import EngineTesting
@testable import ScriptTesting
import Testing

/// Engine behaviour found while writing script tests, checked through the harness.
@Suite("live operations from the journal")
struct LiveOpsConsumerTests {
    func run(_ files: [String: String]) async throws -> ScriptTestReport {
        let folder = try ScriptFolder(files)
        defer { folder.remove() }
        return try await ScriptTestRunner(directory: folder.path).run()
    }

    @Test("a task handler sees the task_completed facts the tasks consumer appends")
    func taskCompletedReachesTasks() async throws {
        let report = try await run([
            "tasks/first.lua": """
                return task { id = "first", stages = { { goal = 1 } }, on = { gift = function(ctx, g) ctx.progress(g.sender_id, 1) end } }
                """,
            "tasks/meta.lua": """
                return task {
                  id = "meta", stages = { { goal = 1 } },
                  on = { task_completed = function(ctx, t) if t.task_id ~= "meta" then ctx.progress(t.user_id, 1) end end },
                }
                """,
            "tasks/meta_test.lua": """
                test("completing a task counts toward meta", function()
                  events.gift{ sender_id = "v", streamer_id = "s", price_coins = 1 }
                  expect_eq(task("v", "first").progress, 1)
                  expect_eq(task("v", "meta").progress, 1)
                end)
                """,
        ])
        #expect(report.ok, "\(report.results.map(\.line))")
    }

    @Test("one tick closing several periods pays each period's prizes")
    func severalPeriodsInOneTick() async throws {
        let report = try await run([
            "activities/daily.lua": """
                return activity {
                  id = "daily", leaderboards = { fans = { reset = "daily" } },
                  on = { gift = function(ctx, g) ctx.leaderboard("fans"):add(g.sender_id, g.value_coins) end },
                  on_period_end = function(ctx, p)
                    local top = ctx.leaderboard("fans"):top(1)[1]
                    ctx.grant(top.member, "tickets", 10, "fan of " .. p.period)
                  end,
                }
                """,
            "activities/daily_test.lua": """
                test("two days, then one tick", function()
                  clock.set("2027-01-22T12:00:00Z")
                  events.gift{ sender_id = "a", streamer_id = "s", price_coins = 1 }
                  clock.set("2027-01-23T12:00:00Z")
                  events.gift{ sender_id = "b", streamer_id = "s", price_coins = 1 }
                  clock.set("2027-01-25T00:00:00Z")
                  events.tick()
                  expect_eq(balance("a", "tickets"), 10)
                  expect_eq(balance("b", "tickets"), 10)
                end)
                """,
        ])
        #expect(report.ok, "\(report.results.map(\.line))")
    }

    @Test("a failing activity handler leaves no board change of an earlier activity in memory")
    func failedEntryLeavesNoPhantomScore() async throws {
        let report = try await run([
            "activities/a_adds.lua": """
                return activity {
                  id = "a-adds", leaderboards = { givers = {} },
                  on = { gift = function(ctx, g) ctx.leaderboard("givers"):add(g.sender_id, g.value_coins) end },
                }
                """,
            "activities/b_fails.lua": """
                return activity { id = "b-fails", on = { gift = function(_, g) if g.gift_id == "bomb" then error("boom") end end } }
                """,
            "activities/a_adds_test.lua": """
                test("the failed gift counts nowhere", function()
                  expect_error(function()
                    events.gift{ sender_id = "v", streamer_id = "s", gift_id = "bomb", price_coins = 5 }
                  end, "boom")
                  expect_eq(leaderboard("a-adds", "givers"), {})
                  events.gift{ sender_id = "v", streamer_id = "s", price_coins = 1 }
                  expect_eq(leaderboard("a-adds", "givers"), { { rank = 1, member = "v", score = 1 } })
                end)
                """,
        ])
        #expect(report.ok, "\(report.results.map(\.line))")
    }

    @Test("a failing activity handler leaves no chest progress of an earlier activity in memory")
    func failedEntryLeavesNoPhantomChestProgress() async throws {
        let report = try await run([
            "activities/a_chest.lua": """
                return activity {
                  id = "a-chest",
                  chests = { gold = { threshold = 10, rewards = { { weight = 1, reward = { "tickets", 1 } } } } },
                  on = { gift = function(ctx, g) ctx.chest("gold", g.sender_id, g.value_coins) end },
                }
                """,
            "activities/b_fails.lua": """
                return activity { id = "b-fails", on = { gift = function(_, g) if g.gift_id == "bomb" then error("boom") end end } }
                """,
            "activities/a_chest_test.lua": """
                test("the failed gift fills no chest", function()
                  expect_error(function()
                    events.gift{ sender_id = "v", streamer_id = "s", gift_id = "bomb", price_coins = 5 }
                  end, "boom")
                  events.gift{ sender_id = "v", streamer_id = "s", price_coins = 5 }
                  expect_eq(#journal("chest_opened"), 0)
                  events.gift{ sender_id = "v", streamer_id = "s", price_coins = 5 }
                  expect_eq(#journal("chest_opened"), 1)
                  expect_eq(balance("v", "tickets"), 1)
                end)
                """,
        ])
        #expect(report.ok, "\(report.results.map(\.line))")
    }

    @Test("a failing task handler journals no completion for the stage it reached")
    func failedEntryJournalsNoCompletion() async throws {
        let report = try await run([
            "tasks/a_first.lua": """
                return task { id = "a-first", stages = { { goal = 1 }, { goal = 2 } }, on = { gift = function(ctx, g) ctx.progress(g.sender_id, 1) end } }
                """,
            "tasks/b_fails.lua": """
                return task { id = "b-fails", stages = { { goal = 1 } }, on = { gift = function(_, g) if g.gift_id == "bomb" then error("boom") end end } }
                """,
            "tasks/a_first_test.lua": """
                test("the failed gift completes nothing", function()
                  expect_error(function()
                    events.gift{ sender_id = "v", streamer_id = "s", gift_id = "bomb", price_coins = 1 }
                  end, "boom")
                  expect_eq(#journal("task_completed"), 0)
                  expect_eq(task("v", "a-first").progress, 0)
                  events.gift{ sender_id = "v", streamer_id = "s", price_coins = 1 }
                  events.gift{ sender_id = "v", streamer_id = "s", price_coins = 1 }
                  expect_eq(#journal("task_completed"), 2)
                  expect_eq(journal("task_completed")[2].stage, 2)
                  expect_eq(task("v", "a-first").progress, 2)
                end)
                """,
        ])
        #expect(report.ok, "\(report.results.map(\.line))")
    }

    @Test("a chest opened by a handler that then fails pays nothing and journals nothing")
    func chestRewardOnlyWithTheHandler() async throws {
        let report = try await run([
            "activities/chest.lua": """
                return activity {
                  id = "chest",
                  chests = { gold = { threshold = 10, rewards = { { weight = 1, reward = { "tickets", 3 } } } } },
                  on = { gift = function(ctx, g)
                    local opened = ctx.chest("gold", g.sender_id, g.value_coins)
                    if g.gift_id == "bomb" then error("after " .. #opened .. " chest") end
                  end },
                }
                """,
            "activities/chest_test.lua": """
                test("the reward comes with the handler's success", function()
                  expect_error(function()
                    events.gift{ sender_id = "v", streamer_id = "s", gift_id = "bomb", price_coins = 10 }
                  end, "after 1 chest")
                  expect_eq(balance("v", "tickets"), 0)
                  expect_eq(#journal("chest_opened"), 0)
                  events.gift{ sender_id = "v", streamer_id = "s", price_coins = 10 }
                  expect_eq(balance("v", "tickets"), 3)
                  expect_eq(#journal("chest_opened"), 1)
                end)
                """,
        ])
        #expect(report.ok, "\(report.results.map(\.line))")
    }
}
