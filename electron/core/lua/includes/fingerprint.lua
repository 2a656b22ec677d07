-- fingerprint(flat): sha1 of a hash's length-prefixed field/value pairs sorted by their bytes, joined
-- by '\n' ('' when the hash is absent). The divergence check hands it out and the repair script
-- compares it, so both must compute it from this one definition (electron/core/migration/
-- fingerprint.ts is the same in TypeScript). Lua's `<` on strings follows the collation Redis takes
-- from its environment (under en_US.UTF-8, 'a' sorts before 'B'), so the sort compares bytes itself
-- unless the probes show the server's collation is already byte order (C, C.UTF-8), where the plain
-- sort is used for speed.
local fingerprint
do
  local byte, sort = string.byte, table.sort
  local bytewise = ('B' < 'a') and ('Z' < '_') and ('_' < 'a') and ('a' < '\195\169')
  local function byteLess(a, b)
    local n = #a < #b and #a or #b
    local i = 1
    while i <= n and byte(a, i) == byte(b, i) do i = i + 1 end
    if i > n then return #a < #b end
    return byte(a, i) < byte(b, i)
  end
  fingerprint = function(flat)
    if not flat or #flat == 0 then return '' end
    local pairsList = {}
    for i = 1, #flat, 2 do pairsList[#pairsList + 1] = #flat[i] .. ':' .. flat[i] .. #flat[i + 1] .. ':' .. flat[i + 1] end
    if bytewise then sort(pairsList) else sort(pairsList, byteLess) end
    return redis.sha1hex(table.concat(pairsList, '\n'))
  end
end
