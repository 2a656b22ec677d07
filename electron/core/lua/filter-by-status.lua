#!lua flags=no-writes
--[[
  Walk a bounded slice of a workspace's index, newest first, and return the ids whose old or new
  copy has a status, stopping once enough are found: a status filter reads statuses inside Redis
  instead of sending every job of the workspace to the client. Job keys are built here (single
  Redis only). Keep the slice small (~200 ids) so one call stays well under 5 ms.

  Input:
    KEYS[1] index   ai:qs:idx:{workspace_id} (zset job_id by enqueue time)

    ARGV[1] prefix of old keys ("ai:jobs:")
    ARGV[2] prefix of the workspace's new keys ("ai:job:{workspace_id}:")
    ARGV[3] first rank of the slice (descending: 0 = newest)
    ARGV[4] number of ids in the slice
    ARGV[5] the status wanted
    ARGV[6] how many matches are enough

  Output:
    { ids_consumed, matching id, matching id, ... } where ids_consumed counts the ids read up to
    and including the last match returned (the cursor of the next page starts after them)
]]
local indexKey = KEYS[1]
local oldPrefix, newPrefix = ARGV[1], ARGV[2]
local start, count, wanted, enough = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local out = { 0 }
local ids = redis.call('ZREVRANGE', indexKey, start, start + count - 1)
for i, id in ipairs(ids) do
  local old = redis.pcall('HGET', oldPrefix .. id, 'status')
  local new = redis.pcall('HGET', newPrefix .. id, 'status')
  if old == wanted or new == wanted then
    out[#out + 1] = id
    if #out - 1 >= enough then
      out[1] = i
      return out
    end
  end
end
out[1] = #ids
return out
