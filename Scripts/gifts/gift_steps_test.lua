-- Tests of the gift steps' after_commit handlers (ticket_exchange.lua, lucky_star.lua, combo.lua),
-- which run from the journal after a durable send. `validate` runs inside a real send only, so
-- the lucky star's "at most 99 per send" is not exercised by fake events.

local function lucky_events()
  local out = {}
  for _, e in ipairs(journal("room_event")) do
    if e.event.kind == "lucky" then out[#out + 1] = e end
  end
  return out
end

test("a ticket box grants 10 tickets per gift", function()
  events.gift{ sender_id = "v1", streamer_id = "s1", gift_id = "ticket-box", price_coins = 10, count = 3 }
  expect_eq(balance("v1", "tickets"), 30)
  events.gift{ sender_id = "v1", streamer_id = "s1", gift_id = "rose", price_coins = 10, count = 3 }
  expect_eq(balance("v1", "tickets"), 30, "other gifts exchange nothing")
end)

test("a lucky star refunds 1x or 5x its value when the draw says so, and announces it", function()
  for _ = 1, 40 do
    events.gift{ sender_id = "v1", streamer_id = "s1", room_id = "room-3", gift_id = "lucky-star", price_coins = 7 }
  end
  local announced, multiples = lucky_events(), 0
  expect_true(#announced > 0 and #announced < 40, #announced .. " lucky sends out of 40")
  for _, e in ipairs(announced) do
    expect_eq(e.room, "room-3")
    expect_true(e.event.multiple == 1 or e.event.multiple == 5, "multiple " .. e.event.multiple)
    multiples = multiples + e.event.multiple
  end
  expect_eq(balance("v1", "coins"), 7 * multiples)
end)

test("other gifts are never lucky", function()
  for _ = 1, 40 do events.gift{ sender_id = "v1", streamer_id = "s1", gift_id = "rose", price_coins = 7 } end
  expect_eq(lucky_events(), {})
  expect_eq(balance("v1", "coins"), 0)
end)

test("ten sends in a combo are announced", function()
  events.gift{ sender_id = "v1", streamer_id = "s1", room_id = "room-3", gift_id = "rose", price_coins = 1, combo = 9 }
  expect_eq(journal("room_event"), {})
  events.gift{ sender_id = "v1", streamer_id = "s1", room_id = "room-3", gift_id = "rose", price_coins = 1, combo = 10 }
  expect_eq(journal("room_event"), {
    { room = "room-3", event = { type = "combo", sender_id = "v1", gift_id = "rose", combo = 10 } },
  })
end)
