-- Tests of fan_medal.lua, run the way an apply runs it: params checked against the template,
-- then check(ctx, viewer, params) with ctx.streamer_id set to the queue's streamer.

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
