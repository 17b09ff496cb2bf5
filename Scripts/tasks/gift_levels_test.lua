-- Tests of gift_levels.lua: 100 levels; level n needs 10 * n * (n + 1) / 2 coins of gifts in
-- total and pays n * 5 tickets, and every tenth level also n * 10 coins and a badge.

local function give(user, coins)
  events.gift{ sender_id = user, streamer_id = "s1", price_coins = coins }
end

-- What the treasure chest (which counts the same gifts) paid `user` in `asset`.
local function chests_paid(user, asset)
  local paid = 0
  for _, o in ipairs(journal("chest_opened")) do
    if o.owner == user and o.reward.asset == asset then paid = paid + o.reward.amount end
  end
  return paid
end

test("it declares 100 stages with growing goals", function()
  local t = task("v1", "gift-levels")
  expect_eq(#t.stages, 100)
  expect_eq(t.stages[1].goal, 10)
  expect_eq(t.stages[2].goal, 30)
  expect_eq(t.stages[100].goal, 50500)
  expect_eq(t.period, "once")
end)

test("a stage is claimed once; an unreached one is refused", function()
  give("v1", 35)
  local t = task("v1", "gift-levels")
  expect_eq(t.progress, 35)
  expect_eq(t.stages[2].state, "claimable")
  expect_eq(t.stages[3].state, "in_progress")
  expect_true(claim("v1", "gift-levels", 2))
  expect_eq(balance("v1", "tickets"), 10)
  expect_eq({ claim("v1", "gift-levels", 2) }, { false, "already_claimed" })
  expect_eq({ claim("v1", "gift-levels", 3) }, { false, "stage_not_reached" })
  expect_eq({ claim("v1", "gift-levels", 101) }, { false, "invalid_stage" })
  expect_eq(balance("v1", "tickets"), 10)
end)

test("every tenth level also pays coins and a badge", function()
  give("v1", 550)
  expect_true(claim("v1", "gift-levels", 10))
  expect_eq(balance("v1", "tickets"), 50 + chests_paid("v1", "tickets"))
  expect_eq(balance("v1", "coins"), 100 + chests_paid("v1", "coins"))
  local badges = inventory("v1").badges
  expect_true(badges[1] == "gift-level-10" or badges[2] == "gift-level-10", "badge gift-level-10")
end)

test("one huge gift reaches every level at once and progress stops at the last goal", function()
  give("v1", 1000000)
  local t = task("v1", "gift-levels")
  expect_eq(t.progress, 50500)
  for _, s in ipairs(t.stages) do expect_eq(s.state, "claimable", "stage " .. s.stage) end
  local levels = 0
  for _, done in ipairs(journal("task_completed")) do
    if done.task_id == "gift-levels" then levels = levels + 1 end
  end
  expect_eq(levels, 100)
  expect_true(claim("v1", "gift-levels", 100))
  expect_eq(balance("v1", "tickets"), 500 + chests_paid("v1", "tickets"))
  expect_eq(balance("v1", "coins"), 1000 + chests_paid("v1", "coins"))
end)
