-- Ticket exchange: each "ticket box" sent grants the sender 10 tickets (spent on "help me play").
return gift_step {
  id = "ticket-exchange",
  title = "Ticket exchange",
  order = 200,
  gifts = { "ticket-box" },
  config = { tickets_per_gift = 10 },
  after_commit = function(ctx, gift)
    ctx.grant(gift.sender_id, "tickets", gift.count * ctx.config("tickets_per_gift"), "ticket exchange")
  end,
  on_refund = function()
    return true -- take the tickets back with the refund
  end,
}
