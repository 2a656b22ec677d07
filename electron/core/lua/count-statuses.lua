#!lua flags=no-writes
--[[
  Count the statuses of a bounded slice of a workspace's index, in both schemas, so workspace
  counts never need a walk of the keyspace. Job keys are built here from the ids in the index
  (single Redis only). Keep the slice small (~200 ids) so one call stays well under 5 ms.

  Input:
    KEYS[1] index   ai:qs:idx:{workspace_id} (zset job_id by enqueue time)

    ARGV[1] prefix of old keys ("ai:jobs:")
    ARGV[2] prefix of the workspace's new keys ("ai:job:{workspace_id}:")
    ARGV[3] first rank of the slice (ascending)
    ARGV[4] number of ids in the slice

  Output:
    { ids_read, old pending, running, completed, failed, other,
                new pending, running, completed, failed, other }
    (a copy that does not exist counts nowhere)
]]
local indexKey = KEYS[1]
local oldPrefix, newPrefix = ARGV[1], ARGV[2]
local start, count = tonumber(ARGV[3]), tonumber(ARGV[4])
local slot = { pending = 1, running = 2, completed = 3, failed = 4 }
local out = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

local function add(base, status)
  if not status then return end
  local i = base + (slot[status] or 5)
  out[i] = out[i] + 1
end

local ids = redis.call('ZRANGE', indexKey, start, start + count - 1)
for _, id in ipairs(ids) do
  local old = redis.pcall('HGET', oldPrefix .. id, 'status')
  local new = redis.pcall('HGET', newPrefix .. id, 'status')
  if type(old) == 'string' then add(1, old) end
  if type(new) == 'string' then add(6, new) end
end
out[1] = #ids
return out
