-- Tests of the shipped queue gates (fan_medal, guard_tier, follower, all_of, any_of), run the
-- way an apply runs them: params checked against the template, then check(ctx, viewer, params)
-- with ctx.streamer_id set to the queue's streamer.

local function guard_product()
  privilege_product("guard", {
    kind = "guard", title = "Guard", priority = 100, streamer_share_bp = 5000,
    tiers = {
      { id = "captain", title = "Captain", prices = { { days = 30, coins = 100 } } },
      { id = "admiral", title = "Admiral", prices = { { days = 30, coins = 1000 } } },
    },
  })
  grant("v1", "coins", 5000)
end

test("fan-medal: a medal of the streamer at the level or above", function()
  expect_eq({ gate("fan-medal", "v1", "s1", { level = 2 }) }, { false, "fan medal level 2 required" })
  events.gift{ sender_id = "v1", streamer_id = "s1", price_coins = 99 }
  expect_eq({ gate("fan-medal", "v1", "s1", { level = 2 }) }, { false, "fan medal level 2 required" }, "level 1 at 99 points")
  events.gift{ sender_id = "v1", streamer_id = "s1", price_coins = 1 }
  expect_true(gate("fan-medal", "v1", "s1", { level = 2 }))
  expect_eq({ gate("fan-medal", "v1", "s2", { level = 1 }) }, { false, "fan medal level 1 required" }, "another streamer's queue")
end)

test("fan-medal: params are checked against the template", function()
  expect_error(function() gate("fan-medal", "v1", "s1", {}) end, "params.level: required")
  expect_error(function() gate("fan-medal", "v1", "s1", { level = 41 }) end, "params.level: at most 40")
  expect_error(function() gate("fan-medal", "v1", "s1", { level = 0 }) end, "params.level: at least 1")
  expect_error(function() gate("fan-medal", "v1", "s1", { level = "5" }) end, "params.level: must be an integer")
  expect_error(function() gate("fan-medal", "v1", "s1", { level = 5, colour = "red" }) end, "params.colour")
  expect_error(function() gate("no-such-gate", "v1", "s1", {}) end, "no gate template")
end)

test("guard-tier: a guard of this streamer at the rank or above; higher tiers include lower", function()
  guard_product()
  expect_eq({ gate("guard-tier", "v1", "s1", {}) }, { false, "a guard of tier 1 or higher is required" })
  expect_true(buy_privilege("v1", "guard", "admiral", 30, "s1"))
  expect_true(gate("guard-tier", "v1", "s1", {}), "rank defaults to 1")
  expect_true(gate("guard-tier", "v1", "s1", { rank = 2 }))
  expect_false(gate("guard-tier", "v1", "s1", { rank = 3 }))
  expect_false(gate("guard-tier", "v1", "s2", { rank = 1 }), "a guard of s1 is no guard of s2")
  clock.advance("30d")
  expect_false(gate("guard-tier", "v1", "s1", {}), "ended exactly 30 days later")
end)

test("follower: only viewers who follow the streamer", function()
  expect_eq({ gate("follower", "v1", "s1", {}) }, { false, "follow the streamer to join" })
  follow("v1", "s1")
  expect_true(gate("follower", "v1", "s1", {}))
  expect_false(gate("follower", "v1", "s2", {}))
end)

test("all-of: every chosen condition; the first unmet one is the reason; none chosen lets everyone in", function()
  expect_true(gate("all-of", "v1", "s1", {}))
  follow("v1", "s1")
  expect_true(gate("all-of", "v1", "s1", { follower = true }))
  expect_eq({ gate("all-of", "v1", "s1", { follower = true, medal_level = 1 }) }, { false, "fan medal level 1 required" })
  events.gift{ sender_id = "v1", streamer_id = "s1", price_coins = 5 }
  expect_true(gate("all-of", "v1", "s1", { follower = true, medal_level = 1 }))
  expect_false(gate("all-of", "v2", "s1", { follower = true, medal_level = 1 }))
end)

test("any-of: one chosen condition is enough; a refusal lists them", function()
  guard_product()
  expect_eq({ gate("any-of", "v1", "s1", { medal_level = 3, guard_rank = 1 }) },
    { false, "one of: fan medal level 3 required; a guard of tier 1 or higher is required" })
  expect_true(buy_privilege("v1", "guard", "captain", 30, "s1"))
  expect_true(gate("any-of", "v1", "s1", { medal_level = 3, guard_rank = 1 }))
  expect_true(gate("any-of", "v2", "s1", {}), "nothing chosen")
  expect_error(function() gate("any-of", "v1", "s1", { guard_rank = 21 }) end, "params.guard_rank: at most 20")
end)
