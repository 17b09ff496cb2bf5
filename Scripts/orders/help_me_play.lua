-- "Help me play": a viewer pays tickets, the streamer accepts and delivers, the viewer confirms.
return order_machine {
  id = "help-me-play",
  initial = "paid",
  states = {
    paid      = { code = 10, external = "pending",     viewer = "Waiting for the streamer", streamer = "New order" },
    accepted  = { code = 20, external = "in_progress", viewer = "Accepted",                 streamer = "To do" },
    delivered = { code = 30, external = "in_progress", viewer = "Please confirm",           streamer = "Delivered" },
    completed = { code = 40, external = "done",        final = true, settle = "post" },
    cancelled = { code = 50, external = "cancelled",   final = true, settle = "void" },
  },
  transitions = {
    accept  = { from = { "paid" },      to = "accepted",  by = { "streamer" } },
    deliver = { from = { "accepted" },  to = "delivered", by = { "streamer" } },
    confirm = { from = { "delivered" }, to = "completed", by = { "viewer", "system" } },
    cancel  = { from = { "paid", "accepted" }, to = "cancelled", by = { "viewer", "streamer", "operator" } },
  },
  timeouts = {
    paid      = { after = "24h", fire = "cancel" },
    delivered = { after = "72h", fire = "confirm" },
  },
  on_transition = function(ctx, order, change)
    if change.to_text_viewer then ctx.notify(order.viewer_id, change.to_text_viewer) end
  end,
}
