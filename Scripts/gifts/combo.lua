-- Combo counter: announces a streak when the same viewer sends the same gift quickly.
return gift_step {
  id = "combo",
  title = "Combo counter",
  order = 100,
  after_commit = function(ctx, gift)
    if gift.combo and gift.combo >= 10 then
      ctx.broadcast(gift.room_id, { type = "combo", sender_id = gift.sender_id, gift_id = gift.gift_id, combo = gift.combo })
    end
  end,
}
