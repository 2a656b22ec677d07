#!lua
--[[
  Cluster writes, the queue step of removeFromQueue (docs/topologies.md "Cluster writes"): every
  entry of the job id among the first ARGV[2] entries is removed, as remove-from-queue.lua does on
  one server, in the queue's own slot; the copies are changed in their own slots before. A call
  that marks a pending job failed first claims the removal here (a short lease beside the queue),
  so another removal of the same job cannot take the entries out meanwhile: the first call would
  take that for a worker's pop and put the job back to pending, off the queue.

  Input:
    KEYS[1] queue    ai:queue:pending
    KEYS[2] claim    ai:qs:rmq:{tag}:{job_id} (string, the claiming call's token; tag = the queue's slot)

    ARGV[1] job id (the queue entry's value)
    ARGV[2] how many entries from the head are searched (the reach)
    ARGV[3] "claim" (take the lease, remove nothing), "release" (drop this call's lease) or "remove"
    ARGV[4] this call's token
    ARGV[5] the lease, ms

  Output:
    { 1, removed, length }        removed (the call's claim is dropped); length is the queue's before
    { 2 }                         claimed (or released)
    { -1, key }                   wrong type at key; nothing written
    { -3 }                        the id is not in the queue; nothing written
    { -7, length }                not within reach of a longer queue; nothing written
    { -8 }                        another call's removal of this job is in progress; nothing written
]]
local queueKey, claimKey = KEYS[1], KEYS[2]
local jobId, reach, mode, token, lease = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local tQueue = redis.call('TYPE', queueKey).ok
if tQueue ~= 'none' and tQueue ~= 'list' then return { -1, queueKey } end
local holder = redis.call('GET', claimKey)
if holder and holder ~= token then return { -8 } end
if mode == 'claim' then
  redis.call('SET', claimKey, token, 'PX', lease)
  return { 2 }
end
if mode == 'release' then
  redis.call('DEL', claimKey)
  return { 2 }
end
local length = redis.call('LLEN', queueKey)
local found = redis.call('LPOS', queueKey, jobId, 'COUNT', 0, 'MAXLEN', reach)
redis.call('DEL', claimKey)
if #found == 0 then
  if length > reach then return { -7, length } end
  return { -3 }
end
return { 1, redis.call('LREM', queueKey, #found, jobId), length }
