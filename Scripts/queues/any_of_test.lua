-- Tests of any_of.lua, run the way an apply runs it: params checked against the template,
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

test("any-of: one chosen condition is enough; a refusal lists them", function()
  guard_product()
  expect_eq({ gate("any-of", "v1", "s1", { medal_level = 3, guard_rank = 1 }) },
    { false, "one of: fan medal level 3 required; a guard of tier 1 or higher is required" })
  expect_true(buy_privilege("v1", "guard", "captain", 30, "s1"))
  expect_true(gate("any-of", "v1", "s1", { medal_level = 3, guard_rank = 1 }))
  expect_true(gate("any-of", "v2", "s1", {}), "nothing chosen")
  expect_error(function() gate("any-of", "v1", "s1", { guard_rank = 21 }) end, "params.guard_rank: at most 20")
end)
