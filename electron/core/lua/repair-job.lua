#!lua
--[[
  Fix one divergent job by compare-and-set: the fix applies only if each copy is still exactly what
  the divergence check saw (same fingerprint, '' meaning absent), so a worker's update made since
  the check is never overwritten. The old schema is the source of truth; a copy missing on one side
  is created from the other. All checks come before the first write.

  Input:
    KEYS[1] old          ai:jobs:{job_id}
    KEYS[2] new          ai:job:{workspace_id}:{job_id} (the workspace the old hash names)
    KEYS[3] index        ai:qs:idx:{workspace_id} (zset job_id by enqueue time)
    KEYS[4] stray        ai:job:{other_workspace}:{job_id}, or "" (workspace_mismatch only)
    KEYS[5] strayIndex   ai:qs:idx:{other_workspace}, or ""

    ARGV[1] action: 'old_to_new' (replace or create the new copy from the old),
                    'new_to_old' (create the missing old copy from the new one),
                    'move'       (create the new copy under the old hash's workspace, drop the stray)
    ARGV[2] expected fingerprint of the old copy ('' = absent)
    ARGV[3] expected fingerprint of the new copy for old_to_new / new_to_old, of the stray for move
    ARGV[4] index score (enqueue time, ms)
    ARGV[5] job id

  Output:
    { 1 }               applied
    { 0, reason }       skipped: 'changed' (a copy differs from what the check saw),
                        'wrong_type' (a key holds another Redis type), 'occupied' (move: the
                        workspace's own copy exists; repair it as a mismatch instead)
]]
local oldKey, newKey, indexKey, strayKey, strayIndexKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local action, expectOld, expectOther, score, jobId = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

-- @include fingerprint

local function isType(key, wanted)
  if key == '' then return true end
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == wanted
end

for _, k in ipairs({ oldKey, newKey, strayKey }) do
  if not isType(k, 'hash') then return { 0, 'wrong_type' } end
end
for _, k in ipairs({ indexKey, strayIndexKey }) do
  if not isType(k, 'zset') then return { 0, 'wrong_type' } end
end

local old = redis.call('HGETALL', oldKey)
if fingerprint(old) ~= expectOld then return { 0, 'changed' } end

if action == 'move' then
  local stray = redis.call('HGETALL', strayKey)
  if fingerprint(stray) ~= expectOther then return { 0, 'changed' } end
  if redis.call('EXISTS', newKey) == 1 then return { 0, 'occupied' } end
  redis.call('HSET', newKey, unpack(old))
  redis.call('DEL', strayKey)
  redis.call('ZADD', indexKey, score, jobId)
  if strayIndexKey ~= '' then redis.call('ZREM', strayIndexKey, jobId) end
  return { 1 }
end

local new = redis.call('HGETALL', newKey)
if fingerprint(new) ~= expectOther then return { 0, 'changed' } end
if action == 'old_to_new' then
  if #old == 0 then return { 0, 'changed' } end
  redis.call('DEL', newKey)
  redis.call('HSET', newKey, unpack(old))
elseif action == 'new_to_old' then
  if #new == 0 then return { 0, 'changed' } end
  redis.call('HSET', oldKey, unpack(new))
else
  return redis.error_reply('unknown repair action ' .. tostring(action))
end
redis.call('ZADD', indexKey, score, jobId)
return { 1 }
