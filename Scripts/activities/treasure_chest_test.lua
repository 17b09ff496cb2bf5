-- Tests of treasure_chest.lua: every 520 coins a viewer gives opens a golden chest, which pays
-- one weighted reward drawn from the journal's seed (weights 60 / 30 / 9 / 1 out of 100).

-- The reward a draw in 1..100 picks, as `chest_opened` records it.
local function reward_for(draw)
  if draw <= 60 then return { kind = "asset", asset = "tickets", amount = 5 } end
  if draw <= 90 then return { kind = "asset", asset = "coins", amount = 52 } end
  if draw <= 99 then return { kind = "item", name = "rose-voucher", count = 3 } end
  return { kind = "badge", name = "treasure-hunter" }
end

local function gift(sender, coins, count)
  events.gift{ sender_id = sender, streamer_id = "s1", room_id = "room-7", price_coins = coins, count = count }
end

test("a chest opens each time a viewer's total crosses a multiple of 520", function()
  gift("v1", 500)
  expect_eq(journal("chest_opened"), {})
  gift("v1", 19)
  expect_eq(#journal("chest_opened"), 0, "519 is not enough")
  gift("v1", 1)
  local opened = journal("chest_opened")
  expect_eq(#opened, 1)
  expect_eq(opened[1].owner, "v1")
  expect_eq(opened[1].number, 1)
  gift("v1", 1040)
  expect_eq(#journal("chest_opened"), 3, "1560 opens the second and third")
  gift("v2", 519)
  expect_eq(#journal("chest_opened"), 3, "each viewer has their own progress")
  expect_eq(journal("room_event")[1], { room = "room-7", event = { kind = "chest", user_id = "v1", chests = 1 } })
  expect_eq(journal("room_event")[2].event.chests, 2)
end)

test("each chest pays the reward its recorded draw picks", function()
  gift("v1", 52, 100)
  local opened = journal("chest_opened")
  expect_eq(#opened, 10)
  local tickets, coins, vouchers, badges = 0, 0, 0, {}
  for i, o in ipairs(opened) do
    expect_eq(o.number, i)
    expect_true(o.draw >= 1 and o.draw <= 100, "draw in 1..100")
    expect_eq(o.reward, reward_for(o.draw), "chest " .. i)
    if o.reward.asset == "tickets" then tickets = tickets + 5 end
    if o.reward.asset == "coins" then coins = coins + 52 end
    if o.reward.kind == "item" then vouchers = vouchers + 3 end
    if o.reward.kind == "badge" then badges = { "treasure-hunter" } end
  end
  expect_eq(balance("v1", "tickets"), tickets)
  expect_eq(balance("v1", "coins"), coins)
  expect_eq(inventory("v1"), { badges = badges, items = vouchers > 0 and { ["rose-voucher"] = vouchers } or {} })
end)

test("draws are seeded by the journal: the same gifts open the same chests", function()
  gift("v1", 520, 5)
  gift("v2", 1040)
  local draws = {}
  for _, o in ipairs(journal("chest_opened")) do draws[#draws + 1] = o.owner .. ":" .. o.draw end
  expect_eq(draws, { "v1:23", "v1:36", "v1:85", "v1:16", "v1:11", "v2:28", "v2:59" })
end)

test("one gift opens at most 100 chests; the rest open with the next gift", function()
  gift("v1", 520, 101)
  expect_eq(#journal("chest_opened"), 100)
  gift("v1", 1)
  local opened = journal("chest_opened")
  expect_eq(#opened, 101)
  expect_eq(opened[101].number, 101)
end)
