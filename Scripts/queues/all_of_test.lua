-- Tests of all_of.lua, run the way an apply runs it: params checked against the template,
-- then check(ctx, viewer, params) with ctx.streamer_id set to the queue's streamer.

test("all-of: every chosen condition; the first unmet one is the reason; none chosen lets everyone in", function()
  expect_true(gate("all-of", "v1", "s1", {}))
  follow("v1", "s1")
  expect_true(gate("all-of", "v1", "s1", { follower = true }))
  expect_eq({ gate("all-of", "v1", "s1", { follower = true, medal_level = 1 }) }, { false, "fan medal level 1 required" })
  events.gift{ sender_id = "v1", streamer_id = "s1", price_coins = 5 }
  expect_true(gate("all-of", "v1", "s1", { follower = true, medal_level = 1 }))
  expect_false(gate("all-of", "v2", "s1", { follower = true, medal_level = 1 }))
end)
