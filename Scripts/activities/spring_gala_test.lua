-- Tests of spring_gala.lua. The gala runs 2027-01-20T00:00+08:00 .. 2027-02-05T00:00+08:00, that
-- is 2027-01-19T16:00Z .. 2027-02-04T16:00Z. The fans board resets daily in the operations time
-- zone: these tests assume the default, UTC (run `showrunner scripts test --time-zone UTC`), so
-- the times below are written in UTC. Every fan here gives less than 520 coins in total, so the
-- treasure chest (which counts every gift too) pays none of them.

local function gift(sender, streamer, coins)
  events.gift{ sender_id = sender, streamer_id = streamer, price_coins = coins }
end

test("streamers rank by the value of their gifts; a tie goes to whoever reached it first", function()
  clock.set("2027-01-20T02:00:00Z")
  events.gift{ sender_id = "fan-a", streamer_id = "s1", price_coins = 100, count = 2 }
  clock.advance("1m")
  gift("fan-b", "s2", 50)
  clock.advance("1m")
  gift("fan-c", "s3", 200)
  clock.advance("1m")
  gift("fan-d", "s2", 150)
  expect_eq(leaderboard("spring-gala", "streamers"), {
    { rank = 1, member = "s1", score = 200 },
    { rank = 2, member = "s3", score = 200 },
    { rank = 3, member = "s2", score = 200 },
  })
  gift("fan-e", "s2", 1)
  expect_eq(leaderboard("spring-gala", "streamers")[1], { rank = 1, member = "s2", score = 201 })
end)

test("gifts outside the window do not count", function()
  clock.set("2027-01-19T15:59:59Z")
  gift("fan-a", "s1", 100)
  expect_eq(leaderboard("spring-gala", "streamers"), {})
  clock.set("2027-01-19T16:00:00Z")
  gift("fan-a", "s1", 100)
  expect_eq(leaderboard("spring-gala", "streamers"), { { rank = 1, member = "s1", score = 100 } })
  expect_eq(activity_detail("spring-gala").live, true)
end)

test("the day's three most generous fans get tickets once, when a tick closes the day", function()
  clock.set("2027-01-20T10:00:00Z")
  gift("fan-a", "s1", 300)
  gift("fan-b", "s1", 150)
  gift("fan-b", "s2", 50)
  gift("fan-c", "s2", 100)
  gift("fan-d", "s2", 50)
  expect_eq(leaderboard("spring-gala", "fans"), {
    { rank = 1, member = "fan-a", score = 300 },
    { rank = 2, member = "fan-b", score = 200 },
    { rank = 3, member = "fan-c", score = 100 },
    { rank = 4, member = "fan-d", score = 50 },
  })
  clock.set("2027-01-20T23:59:00Z")
  events.tick()
  expect_eq(balance("fan-a", "tickets"), 0, "nothing before the day ends")

  clock.set("2027-01-21T00:00:00Z")
  expect_eq(leaderboard("spring-gala", "fans"), {}, "a new day starts an empty board")
  events.tick()
  expect_eq(balance("fan-a", "tickets"), 300)
  expect_eq(balance("fan-b", "tickets"), 200)
  expect_eq(balance("fan-c", "tickets"), 100)
  expect_eq(balance("fan-d", "tickets"), 0)
  expect_eq(journal("leaderboard_period_closed"), { { activity = "spring-gala", board = "fans", period = "2027-01-20" } })

  clock.advance("1m")
  events.tick()
  clock.advance("1h")
  events.tick()
  expect_eq(balance("fan-a", "tickets"), 300, "paid once")
  expect_eq(leaderboard("spring-gala", "fans", "2027-01-20")[1], { rank = 1, member = "fan-a", score = 300 }, "closed days stay readable")
end)

test("a day without a tick is closed by the next tick, whenever it comes", function()
  clock.set("2027-01-22T12:00:00Z")
  gift("fan-a", "s1", 10)
  clock.set("2027-01-23T12:00:00Z")
  gift("fan-b", "s1", 20)
  clock.set("2027-01-25T08:00:00Z")
  events.tick()
  expect_eq(balance("fan-a", "tickets"), 300)
  expect_eq(balance("fan-b", "tickets"), 300)
  expect_eq(#journal("leaderboard_period_closed"), 2)
end)

test("when the gala ends, the top three streamers get coins and the last day's fans their tickets", function()
  clock.set("2027-02-04T12:00:00Z")
  for i, coins in ipairs({ 500, 400, 300, 200 }) do
    gift("fan-" .. i, "s" .. i, coins)
  end
  events.tick()
  expect_eq(balance("s1", "coins"), 0, "nothing before the end")

  clock.set("2027-02-04T16:00:00Z")
  events.tick()
  expect_eq(balance("s1", "coins"), 3000)
  expect_eq(balance("s2", "coins"), 2000)
  expect_eq(balance("s3", "coins"), 1000)
  expect_eq(balance("s4", "coins"), 0)
  expect_eq(balance("fan-1", "tickets"), 300)
  expect_eq(balance("fan-2", "tickets"), 200)
  expect_eq(balance("fan-3", "tickets"), 100)
  expect_eq(journal("activity_ended"), { { activity = "spring-gala" } })
  expect_eq(activity_detail("spring-gala").live, false)

  gift("fan-9", "s4", 400)
  clock.advance("1d")
  events.tick()
  expect_eq(leaderboard("spring-gala", "streamers")[4], { rank = 4, member = "s4", score = 200 }, "gifts after the end do not count")
  expect_eq(balance("s1", "coins"), 3000, "paid once")
  expect_eq(#journal("activity_ended"), 1)
end)
