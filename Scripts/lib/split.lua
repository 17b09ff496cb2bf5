-- Integer splits that sum exactly to the whole: `local split = require "lib.split"`.
local split = {}

--- floor(amount * bp / 10000): a rate in basis points, rounded down (the remainder stays with
--- whoever pays). Integers only.
function split.bp(amount, bp)
  return amount * bp // 10000
end

--- Splits `total` over `weights` (a list of { key = ..., weight = n >= 0 }) by largest
--- remainder: each part is floor(total * weight / sum); the units left over go one each to
--- the largest remainders, ties to the smaller key. The parts sum exactly to `total`. With no
--- weight at all, every part is 0 but the first key's, which takes the whole.
function split.largest_remainder(total, weights)
  local parts, sum = {}, 0
  for _, w in ipairs(weights) do sum = sum + w.weight end
  if #weights == 0 then return parts end
  if sum == 0 then
    for _, w in ipairs(weights) do parts[w.key] = 0 end
    parts[weights[1].key] = total
    return parts
  end
  local given, rest = 0, {}
  for _, w in ipairs(weights) do
    local part = total * w.weight // sum
    parts[w.key] = part
    given = given + part
    rest[#rest + 1] = { key = w.key, remainder = total * w.weight % sum }
  end
  table.sort(rest, function(a, b)
    if a.remainder ~= b.remainder then return a.remainder > b.remainder end
    return a.key < b.key
  end)
  for i = 1, total - given do
    local k = rest[i].key
    parts[k] = parts[k] + 1
  end
  return parts
end

return split
