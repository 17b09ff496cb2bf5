-- Tests of guard_welcome.lua: tickets per day bought, by the guard's tier rank.

local function bought(fields)
  local p = {
    purchase_id = "privilege:v1:" .. fields.key, buyer_id = "v1", product = fields.product or "guard",
    kind = fields.kind or "guard", tier = fields.tier or "captain", tier_rank = fields.rank or 1, days = fields.days or 30,
    streamer_id = "s1", action = "new", price_coins = 100, credit_coins = 0, charged_coins = 100,
    streamer_share_coins = 50, starts_at = 0, expires_at = 1, balance_coins = 0, at = 0,
  }
  events.emit("privilege_bought", p)
end

test("a captain for 30 days gets 30 tickets; a governor for 7 days 70", function()
  bought{ key = "a", days = 30 }
  expect_eq(balance("v1", "tickets"), 30)
  bought{ key = "b", tier = "governor", rank = 3, days = 7 }
  expect_eq(balance("v1", "tickets"), 100)
end)

test("VIP purchases and unknown ranks get nothing", function()
  bought{ key = "c", kind = "vip", product = "vip-gold" }
  bought{ key = "d", rank = 9 }
  expect_eq(balance("v1", "tickets"), 0)
end)
