-- Links in danmaku are blocked: viewers report them as scams. Streamers share links elsewhere.
return moderation_rule {
  id = "no-links",
  title = "No links in danmaku",
  order = 10,
  check = function(_, d)
    local text = d.text:lower()
    if text:find("http://", 1, true) or text:find("https://", 1, true) or text:find("www.", 1, true) then
      return false, "links are not allowed"
    end
    return true
  end,
}
