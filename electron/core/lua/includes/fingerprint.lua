-- @include byte-less
-- fingerprint(flat): sha1 of a hash's length-prefixed field/value pairs sorted by their bytes, joined
-- by '\n' ('' when the hash is absent). The divergence check hands it out and the repair script
-- compares it, so both must compute it from this one definition (electron/core/migration/
-- fingerprint.ts is the same in TypeScript). Where the probes show the server's collation is byte
-- order already (C, C.UTF-8), the plain sort is used, as it is faster than byteLess.
local function fingerprint(flat)
  if not flat or #flat == 0 then return '' end
  local pairsList = {}
  for i = 1, #flat, 2 do pairsList[#pairsList + 1] = #flat[i] .. ':' .. flat[i] .. #flat[i + 1] .. ':' .. flat[i + 1] end
  if ('B' < 'a') and ('Z' < '_') and ('_' < 'a') and ('a' < '\195\169') then
    table.sort(pairsList)
  else
    table.sort(pairsList, byteLess)
  end
  return redis.sha1hex(table.concat(pairsList, '\n'))
end
