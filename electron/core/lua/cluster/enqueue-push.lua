#!lua
--[[
  Cluster enqueue, the queue push (docs/topologies.md "Cluster enqueue"): pushes the job id once.
  A sorted set beside the queue (a hash tag of its slot) remembers the ids pushed in the last
  ARGV[2] ms, so a replayed step (recovery after a crash) never pushes twice. Entries older than
  that are pruned here, a few per call.

  Input:
    KEYS[1] queue    ai:queue:pending (list)
    KEYS[2] pushed   ai:qs:enq:pushed:{tag} (zset job_id -> push time ms; tag = the queue's slot)

    ARGV[1] job id
    ARGV[2] how long a push is remembered, ms (longer than an intent can live)

  Output:
    1 pushed now, 0 pushed before, { "x", key } wrong type (nothing written)
]]
local queueKey, pushedKey = KEYS[1], KEYS[2]
local qt = redis.call('TYPE', queueKey).ok
if qt ~= 'none' and qt ~= 'list' then return { 'x', queueKey } end
local pt = redis.call('TYPE', pushedKey).ok
if pt ~= 'none' and pt ~= 'zset' then return { 'x', pushedKey } end
if redis.call('ZSCORE', pushedKey, ARGV[1]) then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('RPUSH', queueKey, ARGV[1])
redis.call('ZADD', pushedKey, now, ARGV[1])
-- Bounded pruning: at most 100 expired entries a call, so a call stays short.
local stale = redis.call('ZRANGEBYSCORE', pushedKey, '-inf', now - tonumber(ARGV[2]), 'LIMIT', 0, 100)
if #stale > 0 then redis.call('ZREM', pushedKey, unpack(stale)) end
return 1
