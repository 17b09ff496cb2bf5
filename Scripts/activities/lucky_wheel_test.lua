-- Tests of lucky_wheel.lua: a spin of the classic wheel costs 100 coins and pays one weighted
-- reward (50 / 30 / 15 / 4 / 1 out of 100); chatting ranks viewers on a weekly board.

-- The reward a draw in 1..100 picks, as a spin outcome shows it.
local function reward_for(draw)
  if draw <= 50 then return { kind = "asset", name = "tickets", amount = 10 } end
  if draw <= 80 then return { kind = "asset", name = "coins", amount = 50 } end
  if draw <= 95 then return { kind = "asset", name = "coins", amount = 150 } end
  if draw <= 99 then return { kind = "asset", name = "coins", amount = 500 } end
  return { kind = "badge", name = "wheel-master", amount = 1 }
end

test("the published odds are the declared weights and sum to 1", function()
  local wheel = activity_detail("lucky-wheel").wheels.classic
  expect_eq(wheel.cost, 100)
  expect_eq(wheel.asset, "coins")
  local weights, sum = {}, 0
  for i, odds in ipairs(wheel.rewards) do
    weights[i] = odds.weight
    sum = sum + odds.probability
  end
  expect_eq(weights, { 50, 30, 15, 4, 1 })
  expect_true(math.abs(sum - 1) < 1e-9, "probabilities sum to " .. sum)
  expect_eq(wheel.rewards[5].reward, { kind = "badge", name = "wheel-master" })
  expect_eq(wheel.rewards[5].probability, 0.01)
end)

test("a spin costs 100 coins and pays the reward it drew", function()
  grant("v1", "coins", 250)
  local outcome = spin("v1", "lucky-wheel", "classic", "spin-1")
  expect_true(outcome, "spin refused")
  expect_eq(outcome.cost, 100)
  expect_eq(outcome.reward, reward_for(outcome.draw))
  local won = outcome.reward.name == "coins" and outcome.reward.amount or 0
  expect_eq(balance("v1", "coins"), 150 + won)
  expect_eq(outcome.balances.coins, balance("v1", "coins"))
  local spun = journal("wheel_spun")
  expect_eq(#spun, 1)
  expect_eq(spun[1].user_id, "v1")
  expect_eq(spun[1].draw, tostring(outcome.draw))
end)

test("every reward a spin pays lands in the balance or the inventory", function()
  grant("v1", "coins", 100 * 30)
  local coins, tickets, badges = 0, 0, {}
  for i = 1, 30 do
    local outcome = spin("v1", "lucky-wheel", "classic", "k" .. i)
    expect_eq(outcome.reward, reward_for(outcome.draw), "spin " .. i)
    if outcome.reward.name == "coins" then coins = coins + outcome.reward.amount end
    if outcome.reward.name == "tickets" then tickets = tickets + outcome.reward.amount end
    if outcome.reward.kind == "badge" then badges = { "wheel-master" } end
  end
  expect_eq(balance("v1", "coins"), coins)
  expect_eq(balance("v1", "tickets"), tickets)
  expect_eq(inventory("v1").badges, badges)
end)

test("the same idempotency key returns the first outcome and charges once", function()
  grant("v1", "coins", 1000)
  local first = spin("v1", "lucky-wheel", "classic", "once")
  local after = balance("v1", "coins")
  local again = spin("v1", "lucky-wheel", "classic", "once")
  expect_eq(again, first)
  expect_eq(balance("v1", "coins"), after)
  expect_eq(#journal("wheel_spun"), 1)
  expect_eq({ spin("v1", "lucky-wheel", "nope", "other") }, { false, "wheel_not_found" })
end)

test("a viewer without 100 coins cannot spin, and nothing moves", function()
  expect_eq({ spin("v2", "lucky-wheel", "classic", "k") }, { false, "insufficient_funds" })
  grant("v2", "coins", 99)
  expect_eq({ spin("v2", "lucky-wheel", "classic", "k2") }, { false, "insufficient_funds" })
  expect_eq(balance("v2", "coins"), 99)
  expect_eq(balance("v2", "tickets"), 0)
  expect_eq(journal("wheel_spun"), {})
end)

test("chatters rank by danmaku sent, in a board that resets every ISO week", function()
  clock.set("2027-01-06T09:00:00Z") -- a Wednesday of week 2027-W01
  for _ = 1, 3 do events.danmaku{ user_id = "v1", text = "hi" } end
  events.danmaku{ user_id = "v2" }
  expect_eq(leaderboard("lucky-wheel", "chatters"), {
    { rank = 1, member = "v1", score = 3 },
    { rank = 2, member = "v2", score = 1 },
  })
  clock.set("2027-01-11T00:00:00Z") -- Monday: week 2027-W02
  events.danmaku{ user_id = "v2" }
  expect_eq(leaderboard("lucky-wheel", "chatters"), { { rank = 1, member = "v2", score = 1 } })
  expect_eq(#leaderboard("lucky-wheel", "chatters", "2027-W01"), 2)
end)
