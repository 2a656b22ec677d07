-- fingerprint(flat): sha1 of a hash's sorted, length-prefixed field/value pairs ('' when the hash
-- is absent). The divergence check hands it out and the repair script compares it, so both must
-- compute it from this one definition.
local function fingerprint(flat)
  if not flat or #flat == 0 then return '' end
  local pairsList = {}
  for i = 1, #flat, 2 do pairsList[#pairsList + 1] = #flat[i] .. ':' .. flat[i] .. #flat[i + 1] .. ':' .. flat[i + 1] end
  table.sort(pairsList)
  return redis.sha1hex(table.concat(pairsList, '\n'))
end
