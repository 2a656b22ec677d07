#!lua
--[[
  Last step of repairing a large job in bounded steps (docs/repair.md): put the staged copy in place
  of the target in one short call. The caller sends it inside MULTI/EXEC after WATCH of both copies,
  the stray and the staging key, whose contents it checked in bounded reads, so it runs only if none
  of them changed since: that is the fix's compare-and-set. Every key's type is checked before the
  first write and nothing after it can fail, so the target is never absent and never half written.
  The old target is unlinked (freed in the background, whatever its size) and replaced by RENAME in
  the same call; it keeps its own expiry, not the staging key's TTL.

  Input:
    KEYS[1] staging      ai:qs:repair:stage:{job_id} (hash: the source's fields, with a TTL)
    KEYS[2] target       the copy made equal to the source: ai:jobs:{job_id} or ai:job:{ws}:{job_id}
    KEYS[3] index        ai:qs:idx:{workspace_id}
    KEYS[4] stray        ai:job:{other_workspace}:{job_id}, or "" (move only: dropped)
    KEYS[5] strayIndex   ai:qs:idx:{other_workspace}, or ""

    ARGV[1] job id
    ARGV[2] index score (enqueue time, ms)

  Output:
    { 1 }               applied
    { 0, reason }       skipped: 'wrong_type' (a key holds another Redis type), 'changed' (the
                        staging key is gone)
]]
local stagingKey, targetKey, indexKey, strayKey, strayIndexKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local jobId, score = ARGV[1], tonumber(ARGV[2])
if not score then return redis.error_reply('commit: index score must be a number') end

local function isType(key, wanted)
  if key == '' then return true end
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == wanted
end

if redis.call('TYPE', stagingKey).ok ~= 'hash' then return { 0, 'changed' } end
for _, k in ipairs({ targetKey, strayKey }) do
  if not isType(k, 'hash') then return { 0, 'wrong_type' } end
end
for _, k in ipairs({ indexKey, strayIndexKey }) do
  if not isType(k, 'zset') then return { 0, 'wrong_type' } end
end

local expireAt = redis.call('PEXPIRETIME', targetKey)
redis.call('UNLINK', targetKey)
redis.call('RENAME', stagingKey, targetKey)
if expireAt > 0 then
  redis.call('PEXPIREAT', targetKey, expireAt)
else
  redis.call('PERSIST', targetKey)
end
redis.call('ZADD', indexKey, score, jobId)
if strayKey ~= '' then redis.call('UNLINK', strayKey) end
if strayIndexKey ~= '' then redis.call('ZREM', strayIndexKey, jobId) end
return { 1 }
