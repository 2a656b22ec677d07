#!lua
--[[
  Fix one divergent job by compare-and-set: the fix applies only if each copy is still exactly what
  the divergence check saw (same fingerprint, '' meaning absent), so a worker's update made since
  the check is never overwritten. The old schema is the source of truth; a copy missing on one side
  is created from the other.

  Never delete-then-write: the source's fields are written over the target (HSET, at most 500 pairs
  a call), then the target's fields the source lacks are removed (HDEL); a move creates the new copy
  before it drops the stray. Every precondition (types, sizes, fingerprints, occupied) is checked
  before the first write, and nothing after it can fail, so the script applies whole or not at all
  (OOM can only refuse a script before its first write). A job too big to repair inside one short
  call is left to the caller, which repairs it in bounded steps (docs/repair.md).

  Input:
    KEYS[1] old          ai:jobs:{job_id}
    KEYS[2] new          ai:job:{workspace_id}:{job_id} (the workspace the old hash names)
    KEYS[3] index        ai:qs:idx:{workspace_id} (zset job_id by enqueue time)
    KEYS[4] stray        ai:job:{other_workspace}:{job_id}, or "" (workspace_mismatch only)
    KEYS[5] strayIndex   ai:qs:idx:{other_workspace}, or ""

    ARGV[1] action: 'old_to_new' (make the new copy equal to the old, creating it if missing),
                    'new_to_old' (create the missing old copy from the new one),
                    'move'       (create the new copy under the old hash's workspace, then drop
                                  the stray)
    ARGV[2] expected fingerprint of the old copy ('' = absent)
    ARGV[3] expected fingerprint of the new copy for old_to_new / new_to_old, of the stray for move
    ARGV[4] index score (enqueue time, ms)
    ARGV[5] job id
    ARGV[6] most fields a hash read here may have
    ARGV[7] most bytes (MEMORY USAGE) a hash read here may take

  Output:
    { 1 }               applied
    { 0, reason }       skipped: 'changed' (a copy differs from what the check saw),
                        'wrong_type' (a key holds another Redis type), 'occupied' (move: the
                        workspace's own copy exists; repair it as a mismatch instead)
    { 2 }               too big for one call (ARGV[6], ARGV[7]); nothing written
]]
local oldKey, newKey, indexKey, strayKey, strayIndexKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local action, expectOld, expectOther, jobId = ARGV[1], ARGV[2], ARGV[3], ARGV[5]
local score, maxFields, maxBytes = tonumber(ARGV[4]), tonumber(ARGV[6]), tonumber(ARGV[7])
-- Pairs per HSET (fields per HDEL): unpack stays far below Lua's C stack limit.
local CHUNK = 500

-- @include fingerprint

if action ~= 'old_to_new' and action ~= 'new_to_old' and action ~= 'move' then
  return redis.error_reply('unknown repair action ' .. tostring(action))
end
if not score or not maxFields or not maxBytes then
  return redis.error_reply('repair: index score and size limits must be numbers')
end

local function isType(key, wanted)
  if key == '' then return true end
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == wanted
end

-- @include size-gate

local function tooBig(key)
  if key == '' then return false end
  return (heavy(key, redis.call('HLEN', key), maxFields, maxBytes))
end

local function writeFields(key, flat)
  for i = 1, #flat, 2 * CHUNK do
    redis.call('HSET', key, unpack(flat, i, math.min(i + 2 * CHUNK - 1, #flat)))
  end
end

local function dropFieldsMissingFrom(source, key, flat)
  local keep = {}
  for i = 1, #source, 2 do keep[source[i]] = true end
  local extra = {}
  for i = 1, #flat, 2 do
    if not keep[flat[i]] then extra[#extra + 1] = flat[i] end
  end
  for i = 1, #extra, CHUNK do
    redis.call('HDEL', key, unpack(extra, i, math.min(i + CHUNK - 1, #extra)))
  end
end

for _, k in ipairs({ oldKey, newKey, strayKey }) do
  if not isType(k, 'hash') then return { 0, 'wrong_type' } end
end
for _, k in ipairs({ indexKey, strayIndexKey }) do
  if not isType(k, 'zset') then return { 0, 'wrong_type' } end
end

local otherKey = newKey
if action == 'move' then otherKey = strayKey end
if tooBig(oldKey) or tooBig(otherKey) then return { 2 } end

local old = redis.call('HGETALL', oldKey)
if fingerprint(old) ~= expectOld then return { 0, 'changed' } end
local other = redis.call('HGETALL', otherKey)
if fingerprint(other) ~= expectOther then return { 0, 'changed' } end

if action == 'move' then
  if #old == 0 then return { 0, 'changed' } end
  if redis.call('EXISTS', newKey) == 1 then return { 0, 'occupied' } end
  writeFields(newKey, old)
  redis.call('UNLINK', strayKey)
  redis.call('ZADD', indexKey, score, jobId)
  if strayIndexKey ~= '' then redis.call('ZREM', strayIndexKey, jobId) end
elseif action == 'old_to_new' then
  if #old == 0 then return { 0, 'changed' } end
  writeFields(newKey, old)
  dropFieldsMissingFrom(old, newKey, other)
  redis.call('ZADD', indexKey, score, jobId)
else
  if #other == 0 or #old ~= 0 then return { 0, 'changed' } end
  writeFields(oldKey, other)
  redis.call('ZADD', indexKey, score, jobId)
end
return { 1 }
