-- heavy(key, fields, maxFields, maxBytes): whether the hash at key (of `fields` fields, its HLEN)
-- is too big to read or compare inside one bounded call: more than maxFields fields, or more than
-- maxBytes of memory. The caller then handles it in bounded steps. The HLEN comes first so that
-- MEMORY USAGE (exact with SAMPLES 0, but O(fields)) never walks a huge hash. Also returns the
-- hash's size in bytes, the item's weight for the time box.
local function heavy(key, fields, maxFields, maxBytes)
  if fields > maxFields then return true, maxBytes end
  local bytes = redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') or 0
  return bytes > maxBytes, bytes
end
