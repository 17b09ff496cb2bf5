-- Tests of newbie.lua: done once per viewer; the first gift, then ten gifts (counted by gift count).

local function gifts(user, count)
  events.gift{ sender_id = user, streamer_id = "s1", price_coins = 1, count = count }
end

test("the first gift makes stage 1 claimable: 20 coins and the newcomer badge", function()
  expect_eq(task("v1", "newbie-gifts"), {
    progress = 0, period = "once",
    stages = { { stage = 1, goal = 1, state = "in_progress" }, { stage = 2, goal = 10, state = "in_progress" } },
  })
  gifts("v1", 1)
  local t = task("v1", "newbie-gifts")
  expect_eq(t.progress, 1)
  expect_eq(t.stages[1].state, "claimable")
  expect_eq({ claim("v1", "newbie-gifts", 2) }, { false, "stage_not_reached" })
  expect_true(claim("v1", "newbie-gifts", 1))
  expect_eq(balance("v1", "coins"), 20)
  expect_eq(inventory("v1").badges, { "newcomer" })
  expect_eq(task("v1", "newbie-gifts").stages[1].state, "claimed")
  expect_eq({ claim("v1", "newbie-gifts", 1) }, { false, "already_claimed" })
  expect_eq(balance("v1", "coins"), 20, "paid once")
end)

test("ten gifts pay 10 tickets; progress counts gifts, not sends, and stops at the last goal", function()
  gifts("v1", 3)
  gifts("v1", 30)
  expect_eq(task("v1", "newbie-gifts").progress, 10)
  expect_true(claim("v1", "newbie-gifts", 2))
  expect_eq(balance("v1", "tickets"), 10)
  local done = {}
  for _, c in ipairs(journal("task_completed")) do
    if c.task_id == "newbie-gifts" then done[#done + 1] = c.stage end
  end
  expect_eq(done, { 1, 2 })
end)

test("once means once: the next day keeps progress and claims", function()
  gifts("v1", 1)
  expect_true(claim("v1", "newbie-gifts", 1))
  clock.advance("1d")
  local t = task("v1", "newbie-gifts")
  expect_eq(t.progress, 1)
  expect_eq(t.stages[1].state, "claimed")
  expect_eq({ claim("v1", "newbie-gifts", 1) }, { false, "already_claimed" })
end)

test("unknown tasks and stages are refused", function()
  expect_eq({ claim("v1", "newbie-gifts", 3) }, { false, "invalid_stage" })
  expect_eq({ claim("v1", "no-such-task", 1) }, { false, "task_not_found" })
  expect_error(function() task("v1", "no-such-task") end, "no task 'no%-such%-task'")
end)
