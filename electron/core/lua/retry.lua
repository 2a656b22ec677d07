#!lua
--[[
  Requeue a failed job: status pending, started_at/finished_at/result cleared, attempts + 1,
  retried_at/retried_by set, on each copy that exists, and the id pushed once onto the queue.
  Only a failed job can be retried, so a double click queues it once.

  Input:
    KEYS[1] old      ai:jobs:{job_id}
    KEYS[2] new      ai:job:{workspace_id}:{job_id}
    KEYS[3] queue    ai:queue:pending

    ARGV[1] job id
    ARGV[2] timestamp (ISO-8601 UTC) for retried_at
    ARGV[3] actor for retried_by

  Output:
    { 1, attempts }               requeued
    { -1, key }                   wrong type at key
    { -3 }                        not found in either schema
    { -4, current_status }        not failed
]]
local rcall = redis.call
local oldKey, newKey, queueKey = KEYS[1], KEYS[2], KEYS[3]
local jobId, now, actor = ARGV[1], ARGV[2], ARGV[3]

local tOld, tNew, tQueue = rcall('TYPE', oldKey).ok, rcall('TYPE', newKey).ok, rcall('TYPE', queueKey).ok
if tOld ~= 'none' and tOld ~= 'hash' then return { -1, oldKey } end
if tNew ~= 'none' and tNew ~= 'hash' then return { -1, newKey } end
if tQueue ~= 'none' and tQueue ~= 'list' then return { -1, queueKey } end
if tOld == 'none' and tNew == 'none' then return { -3 } end

local source = (tOld == 'hash') and oldKey or newKey
local current = rcall('HGET', source, 'status') or ''
if current ~= 'failed' then return { -4, current } end
local attempts = (tonumber(rcall('HGET', source, 'attempts')) or 0) + 1

for _, key in ipairs({ oldKey, newKey }) do
  if rcall('EXISTS', key) == 1 then
    rcall('HDEL', key, 'started_at', 'finished_at')
    rcall('HSET', key, 'status', 'pending', 'result', '', 'attempts', attempts, 'retried_at', now, 'retried_by', actor)
  end
end
rcall('RPUSH', queueKey, jobId)
return { 1, attempts }
