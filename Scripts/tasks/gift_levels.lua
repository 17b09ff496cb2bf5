-- Gift levels: a progressive task with 100 stages. Level n needs 10 * n * (n + 1) / 2 coins of
-- gifts in total and pays n * 5 tickets; every tenth level also pays coins and a badge.
local stages = {}
for level = 1, 100 do
  local rewards = { { "tickets", level * 5 } }
  if level % 10 == 0 then
    rewards[#rewards + 1] = { "coins", level * 10 }
    rewards[#rewards + 1] = { "badge", "gift-level-" .. level }
  end
  stages[level] = { goal = 10 * level * (level + 1) // 2, title = "Level " .. level, rewards = rewards }
end

return task {
  id = "gift-levels",
  title = "Gift levels",
  repeats = "once",
  stages = stages,
  on = {
    gift = function(ctx, gift) ctx.progress(gift.sender_id, gift.value_coins) end,
  },
}
