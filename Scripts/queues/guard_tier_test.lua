-- Tests of guard_tier.lua, run the way an apply runs it: params checked against the template,
-- then check(ctx, viewer, params) with ctx.streamer_id set to the queue's streamer.

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
