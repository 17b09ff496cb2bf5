-- Tests of base_salary.lua: a small month settled by hand-computed numbers.

test("a streamer who streamed enough: contract salary, a bonus tier, revenue, a guard subsidy", function()
  -- 61 hours over 22 valid days; revenue 250,000 gifts + 55,555 guards = 305,555.
  local r = settle_streamer{
    streamer_id = "s1", hours = 61, valid_days = 22, base_salary = 80000, guild_id = "g1",
    revenue_by_source = { gifts = 250000, guards = 55555 },
  }
  -- salary: the contract's 80,000; bonus: 305,555 >= 300,000 -> 5,000;
  -- subsidy: 55,555 * 1000 // 10000 = 5,555 (5,555.5 rounded down); total 80,000 + 5,000 + 305,555 + 5,555.
  expect_eq(r, { base_salary = 80000, bonus = 5000, revenue_share = 305555, subsidy = 5555, total = 396110 })
end)

test("short of hours or valid days: no salary; no guild: the default salary", function()
  expect_eq(settle_streamer{ hours = 59, valid_days = 25, revenue_by_source = { gifts = 10 } }.base_salary, 0)
  expect_eq(settle_streamer{ hours = 60, valid_days = 19, revenue_by_source = { gifts = 10 } }.base_salary, 0)
  local r = settle_streamer{ hours = 60, valid_days = 20, revenue_by_source = { gifts = 1000000 } }
  expect_eq(r.base_salary, 50000)
  expect_eq(r.bonus, 20000, "the highest tier reached")
  expect_eq(r.total, 50000 + 20000 + 1000000)
end)

test("a guild: its shares plus 2% of exclusive members' revenue, split by largest remainder", function()
  -- members' revenue 1 + 1 + 1 = 3; share = 100 + 0 (3 * 200 // 10000) = 100;
  -- 100 split 1:1:1 = 33 each, the 1 left over to the smallest id.
  local g = settle_guild{
    guild_id = "g1", revenue = 100,
    members = {
      { streamer_id = "b", revenue = 1, exclusive = true },
      { streamer_id = "a", revenue = 1, exclusive = true },
      { streamer_id = "c", revenue = 1 },
    },
  }
  expect_eq(g.share, 100)
  expect_eq(g.parts, { a = 34, b = 33, c = 33 })
  -- 123,457 exclusive revenue: incentive 123,457 * 200 // 10000 = 2,469 (2,469.14 down).
  local h = settle_guild{
    guild_id = "g2", revenue = 10000,
    members = {
      { streamer_id = "x", revenue = 123457, exclusive = true },
      { streamer_id = "y", revenue = 0 },
    },
  }
  expect_eq(h.share, 12469)
  expect_eq(h.parts, { x = 12469, y = 0 })
end)
