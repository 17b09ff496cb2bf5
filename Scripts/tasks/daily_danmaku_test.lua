-- Tests of daily_danmaku.lua: five danmaku today pay 2 tickets.

test("five danmaku make the stage claimable, once a day", function()
  clock.set("2027-01-20T12:00:00Z")
  for i = 1, 4 do events.danmaku{ user_id = "v1", text = "hello " .. i } end
  expect_eq({ claim("v1", "daily-danmaku", 1) }, { false, "stage_not_reached" })
  events.danmaku{ user_id = "v1", room = "room-2" }
  expect_true(claim("v1", "daily-danmaku", 1))
  expect_eq(balance("v1", "tickets"), 2)
  expect_eq({ claim("v1", "daily-danmaku", 1) }, { false, "already_claimed" })
end)

test("tomorrow starts from zero", function()
  clock.set("2027-01-20T12:00:00Z")
  for _ = 1, 5 do events.danmaku{ user_id = "v1" } end
  clock.set("2027-01-21T00:00:00Z")
  expect_eq(task("v1", "daily-danmaku").progress, 0)
  events.danmaku{ user_id = "v1" }
  expect_eq(task("v1", "daily-danmaku").progress, 1)
end)
