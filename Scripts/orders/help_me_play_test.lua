-- Tests of help_me_play.lua, driven as the order routes drive it: tickets held on the order,
-- the streamer accepts and delivers, the viewer confirms; timeouts fire as system.

local function setup(stock)
  grant("v1", "tickets", 1000)
  return goods("s1", { title = "Ranked duo", price_tickets = 300, stock = stock })
end

local function notices(user)
  local out = {}
  for _, n in ipairs(journal("notice")) do
    if n.user_id == user then out[#out + 1] = n.text end
  end
  return out
end

test("an order's life: held, accepted, delivered, confirmed; the streamer is paid less the fee", function()
  local id = order("v1", setup()).id
  expect_eq(balance("v1", "tickets"), 1000, "held, not moved")
  expect_eq(order_action(id, "accept", "s1").state, "accepted")
  expect_eq(order_action(id, "deliver", "s1").state, "delivered")
  local done = order_action(id, "confirm", "v1")
  expect_eq({ done.state, done.settled }, { "completed", "post" })
  expect_eq(balance("v1", "tickets"), 700)
  expect_eq(balance("s1", "revenue"), 240, "300 less 20%")
  expect_eq(notices("s1"), { "New order", "Paid" })
  expect_eq(notices("v1"), { "Accepted", "Please confirm" })
  expect_eq(#journal("order_frame"), 0, "no room of s1 in this test")
end)

test("who may do what: the viewer cannot accept, nothing leaves a final state", function()
  local id = order("v1", setup()).id
  expect_eq({ order_action(id, "accept", "v1") }, { false, "actor_not_allowed" })
  expect_eq({ order_action(id, "confirm", "v1") }, { false, "order_state_conflict" })
  expect_eq(order_action(id, "cancel", "v1").state, "cancelled")
  expect_eq({ order_action(id, "accept", "s1") }, { false, "order_state_conflict" })
  expect_eq(balance("v1", "tickets"), 1000, "voided back")
end)

test("timeouts: an unaccepted order is cancelled after 24h, a delivered one confirmed after 72h", function()
  local g = setup()
  local first = order("v1", g).id
  local second = order("v1", g).id
  order_action(second, "accept", "s1")
  order_action(second, "deliver", "s1")
  clock.advance("24h")
  expect_eq(order_state(first).state, "cancelled")
  expect_eq(order_state(second).state, "delivered")
  clock.advance("48h")
  expect_eq(order_state(second).state, "completed")
  expect_eq(balance("v1", "tickets"), 700)
end)

test("stock and funds: the last unit goes once, a viewer without tickets is refused", function()
  local g = setup(1)
  expect_true(order("v1", g))
  expect_eq({ order("v2", g) }, { false, "out_of_stock" })
  local other = goods("s1", { price_tickets = 10 })
  expect_eq({ order("v2", other) }, { false, "insufficient_funds" })
end)
