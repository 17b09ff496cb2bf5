-- Lucky star: after a send, a seeded draw may refund a multiple of its value.
-- Odds per send: 1 in 100 pays 5x, 10 in 100 pay 1x.
return gift_step {
  id = "lucky-star",
  title = "Lucky star",
  order = 300,
  gifts = { "lucky-star" },
  validate = function(_, gift)
    if gift.count > 99 then return false, "at most 99 lucky stars per send" end
    return true
  end,
  after_commit = function(ctx, gift)
    local roll = ctx.random(100)
    local multiple = (roll == 1 and 5) or (roll <= 11 and 1) or 0
    if multiple > 0 then
      ctx.grant(gift.sender_id, "coins", gift.value_coins * multiple, "lucky star x" .. multiple)
      ctx.broadcast(gift.room_id, { kind = "lucky", sender_id = gift.sender_id, multiple = multiple })
    end
  end,
}
