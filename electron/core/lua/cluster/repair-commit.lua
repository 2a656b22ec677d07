#!lua
--[[
  Cluster repair, the last step of one copy (docs/topologies.md "Repair on a cluster"): put the
  staged copy, built beside the target in the target's slot, in place of the target in one short
  call. The caller sends it inside MULTI/EXEC after WATCH of the target and the staging key on the
  target's master, whose contents it checked in bounded reads, so it runs only if neither changed
  since: the fix's compare-and-set. The target keeps its own expiry, not the staging key's TTL.

  Input:
    KEYS[1] staging   ai:qs:repair:stage:{tag}:{job_id} (hash: the source's fields, with a TTL;
                      tag = the target's slot)
    KEYS[2] target    the copy made equal to the source: ai:jobs:{job_id} or ai:job:{ws}:{job_id}

  Output:
    { 1 }               applied
    { 0, reason }       skipped: 'wrong_type' (the target holds another Redis type), 'changed'
                        (the staging key is gone)
]]
local stagingKey, targetKey = KEYS[1], KEYS[2]
local tStaging, tTarget = redis.call('TYPE', stagingKey).ok, redis.call('TYPE', targetKey).ok
if tStaging ~= 'hash' then return { 0, 'changed' } end
if tTarget ~= 'none' and tTarget ~= 'hash' then return { 0, 'wrong_type' } end
local ttl = redis.call('PTTL', targetKey)
if tTarget ~= 'none' then redis.call('UNLINK', targetKey) end
redis.call('RENAME', stagingKey, targetKey)
if ttl > 0 then redis.call('PEXPIRE', targetKey, ttl) else redis.call('PERSIST', targetKey) end
return { 1 }
