-- "Help me play": a viewer pays tickets, the streamer accepts and delivers, the viewer confirms.
-- The price is held when the order is made; `completed` posts it to the streamer (less the
-- platform's fee_bp), `cancelled` releases it to the viewer. Timeouts fire as `system`.
return order_machine {
  id = "help-me-play",
  title = "Help me play",
  initial = "paid",
  fee_bp = 2000,
  states = {
    paid      = { code = 10, external = "pending",     viewer = "Waiting for the streamer", streamer = "New order" },
    accepted  = { code = 20, external = "in_progress", viewer = "Accepted",                 streamer = "To do" },
    delivered = { code = 30, external = "in_progress", viewer = "Please confirm",           streamer = "Delivered" },
    completed = { code = 40, external = "done",        viewer = "Completed",  streamer = "Paid", final = true, settle = "post" },
    cancelled = { code = 50, external = "cancelled",   viewer = "Cancelled, tickets returned", streamer = "Cancelled",
                  final = true, settle = "void" },
  },
  transitions = {
    accept  = { from = { "paid" },      to = "accepted",  by = { "streamer" } },
    deliver = { from = { "accepted" },  to = "delivered", by = { "streamer" } },
    confirm = { from = { "delivered" }, to = "completed", by = { "viewer", "system" } },
    cancel  = { from = { "paid", "accepted" }, to = "cancelled", by = { "viewer", "streamer", "operator", "system" } },
  },
  timeouts = {
    paid      = { after = "24h", fire = "cancel" },
    delivered = { after = "72h", fire = "confirm" },
  },
  on_transition = function(ctx, order, change)
    if change.to_text_viewer and change.actor ~= "viewer" then ctx.notify(order.viewer_id, change.to_text_viewer) end
    if change.to_text_streamer and change.actor ~= "streamer" then ctx.notify(order.streamer_id, change.to_text_streamer) end
    if change.to == "accepted" then ctx.show_order(order.title .. " is on") end
    if change.to == "completed" then ctx.show_order(order.title .. " done") end
  end,
}
