#!lua
--[[
  Cluster writes, the queue push of a retry or a requeue (docs/topologies.md "Cluster writes"):
  pushes the job id once per push token. The token (job id, what pushed it, and what tells that
  push apart: the attempt of a retry, the run of a requeue) is remembered in the pushed set beside
  the queue, the one the cluster enqueue keeps, so a call that finishes an interrupted one never
  pushes twice. A finishing call also looks for the id near the queue's head first: found there,
  it is only recorded.

  Input:
    KEYS[1] queue    ai:queue:pending (list)
    KEYS[2] pushed   ai:qs:enq:pushed:{tag} (zset member -> push time ms; tag = the queue's slot)

    ARGV[1] job id
    ARGV[2] push token (the pushed set's member)
    ARGV[3] how long a push is remembered, ms
    ARGV[4] how many entries from the queue's head are searched for the id first, 0 for none

  Output:
    1 pushed now, 0 pushed before (or found queued), { "x", key } wrong type (nothing written)
]]
local queueKey, pushedKey = KEYS[1], KEYS[2]
local jobId, token, memory, reach = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local qt = redis.call('TYPE', queueKey).ok
if qt ~= 'none' and qt ~= 'list' then return { 'x', queueKey } end
local pt = redis.call('TYPE', pushedKey).ok
if pt ~= 'none' and pt ~= 'zset' then return { 'x', pushedKey } end
if redis.call('ZSCORE', pushedKey, token) then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local queued = reach > 0 and redis.call('LPOS', queueKey, jobId, 'MAXLEN', reach)
local pushed = 0
if not queued then
  redis.call('RPUSH', queueKey, jobId)
  pushed = 1
end
redis.call('ZADD', pushedKey, now, token)
local stale = redis.call('ZRANGEBYSCORE', pushedKey, '-inf', now - memory, 'LIMIT', 0, 100)
if #stale > 0 then redis.call('ZREM', pushedKey, unpack(stale)) end
return pushed
