-- weigh(key, maxBytes): the bytes of the value at key by MEMORY USAGE (nil when there is no key),
-- and whether it is too big to read inside one bounded call (more than maxBytes). One O(1)-bounded
-- call sizes any hash: MEMORY USAGE counts at most maxBytes / 16 + 1 fields exactly, and estimates
-- a hash of more fields from them; every field of a hash costs Redis at least 16 bytes (its entry
-- and two strings), so such an estimate is always over maxBytes and the hash is never read here.
-- A compact (listpack) hash is sized exactly at no cost per field.
local function weigh(key, maxBytes)
  local bytes = redis.call('MEMORY', 'USAGE', key, 'SAMPLES', math.floor(maxBytes / 16) + 1)
  if not bytes then return nil, false end
  return bytes, bytes > maxBytes
end
