-- Treasure chest: every 520 coins a viewer gives opens a chest with a weighted reward.
return activity {
  id = "treasure-chest",
  title = "Treasure chest",
  chests = {
    golden = {
      title = "Golden chest",
      threshold = 520,
      rewards = {
        { weight = 60, reward = { "tickets", 5 } },
        { weight = 30, reward = { "coins", 52 } },
        { weight = 9, reward = { "item", "rose-voucher", 3 } },
        { weight = 1, reward = { "badge", "treasure-hunter" } },
      },
    },
  },
  on = {
    gift = function(ctx, gift)
      local opened = ctx.chest("golden", gift.sender_id, gift.value_coins)
      if #opened > 0 then
        ctx.broadcast(gift.room_id, { kind = "chest", user_id = gift.sender_id, chests = #opened })
      end
    end,
  },
}
