-- Tests of daily_watch.lua: ten minutes of watching today pay 3 tickets.

test("ten minutes in any rooms make the stage claimable", function()
  clock.set("2027-01-20T20:00:00Z")
  events.watch{ user_id = "v1", room_id = "room-1", minutes = 6 }
  expect_eq(task("v1", "daily-watch").stages[1].state, "in_progress")
  events.watch{ user_id = "v1", room_id = "room-2", minutes = 4 }
  expect_eq(task("v1", "daily-watch").stages[1].state, "claimable")
  expect_true(claim("v1", "daily-watch", 1))
  expect_eq(balance("v1", "tickets"), 3)
end)

test("minutes reset the next day, claimed or not", function()
  clock.set("2027-01-20T23:50:00Z")
  events.watch{ user_id = "v1", minutes = 9 }
  clock.advance("10m")
  events.watch{ user_id = "v1", minutes = 1 }
  local t = task("v1", "daily-watch")
  expect_eq(t.period, "2027-01-21")
  expect_eq(t.progress, 1)
  expect_eq({ claim("v1", "daily-watch", 1) }, { false, "stage_not_reached" })
end)

test("progress stops at the goal", function()
  events.watch{ user_id = "v1", minutes = 45 }
  expect_eq(task("v1", "daily-watch").progress, 10)
  expect_eq(#journal("task_completed"), 1)
end)
