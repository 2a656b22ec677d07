#!lua
--[[
  Requeue a failed job: status pending, started_at/finished_at/result cleared, attempts + 1,
  retried_at/retried_by set, on each copy that exists, and the id pushed once onto the queue.
  Only a failed job can be retried, so a double click queues it once.
  The workspace is checked against the old copy's own workspace_id before anything is written:
  with a wrong one the new key names a copy that is not this job's, so only the old copy would
  move and the two copies would split. When there is no old copy, the new key (built from the
  given workspace) is the job's only copy and fixes its workspace; an old copy without a
  workspace_id (a legacy producer) has nothing to compare against.

  Input:
    KEYS[1] old      ai:jobs:{job_id}
    KEYS[2] new      ai:job:{workspace_id}:{job_id}
    KEYS[3] queue    ai:queue:pending

    ARGV[1] job id
    ARGV[2] timestamp (ISO-8601 UTC) for retried_at
    ARGV[3] actor for retried_by
    ARGV[4] workspace id the caller named (the one in KEYS[2])

  Output:
    { 1, attempts }               requeued
    { -1, key }                   wrong type at key
    { -3 }                        not found in either schema
    { -4, current_status }        not failed
    { -6, job_workspace }         the old copy belongs to another workspace; nothing written
]]
local rcall = redis.call
local oldKey, newKey, queueKey = KEYS[1], KEYS[2], KEYS[3]
local jobId, now, actor, workspace = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local tOld, tNew, tQueue = rcall('TYPE', oldKey).ok, rcall('TYPE', newKey).ok, rcall('TYPE', queueKey).ok
if tOld ~= 'none' and tOld ~= 'hash' then return { -1, oldKey } end
if tNew ~= 'none' and tNew ~= 'hash' then return { -1, newKey } end
if tQueue ~= 'none' and tQueue ~= 'list' then return { -1, queueKey } end
if tOld == 'none' and tNew == 'none' then return { -3 } end

if tOld == 'hash' then
  local jobWorkspace = rcall('HGET', oldKey, 'workspace_id')
  if jobWorkspace and jobWorkspace ~= '' and jobWorkspace ~= workspace then return { -6, jobWorkspace } end
end

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
