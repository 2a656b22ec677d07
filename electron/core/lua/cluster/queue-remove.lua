#!lua
--[[
  Cluster writes, the queue step of removeFromQueue (docs/topologies.md "Cluster writes"): every
  entry of the job id among the first ARGV[2] entries is removed, as remove-from-queue.lua does on
  one server, in the queue's own slot; the copies are changed in their own slots.

  Input:
    KEYS[1] queue    ai:queue:pending

    ARGV[1] job id (the queue entry's value)
    ARGV[2] how many entries from the head are searched (the reach)

  Output:
    { 1, removed, length }        removed; length is the queue's before the removal
    { -1, key }                   wrong type at key; nothing written
    { -3 }                        the id is not in the queue; nothing written
    { -7, length }                not within reach of a longer queue; nothing written
]]
local queueKey = KEYS[1]
local jobId, reach = ARGV[1], tonumber(ARGV[2])
local tQueue = redis.call('TYPE', queueKey).ok
if tQueue ~= 'none' and tQueue ~= 'list' then return { -1, queueKey } end
local length = redis.call('LLEN', queueKey)
local found = redis.call('LPOS', queueKey, jobId, 'COUNT', 0, 'MAXLEN', reach)
if #found == 0 then
  if length > reach then return { -7, length } end
  return { -3 }
end
return { 1, redis.call('LREM', queueKey, #found, jobId), length }
