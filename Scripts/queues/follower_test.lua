-- Tests of follower.lua, run the way an apply runs it: params checked against the template,
-- then check(ctx, viewer, params) with ctx.streamer_id set to the queue's streamer.

test("follower: only viewers who follow the streamer", function()
  expect_eq({ gate("follower", "v1", "s1", {}) }, { false, "follow the streamer to join" })
  follow("v1", "s1")
  expect_true(gate("follower", "v1", "s1", {}))
  expect_false(gate("follower", "v1", "s2", {}))
end)
