#!lua
--[[
  Take a job out of the pending queue: every entry of its id among the first ARGV[5] entries is
  removed, and a job that is still pending is marked failed, with the operator's reason as its result and finished_at
  set, on each copy that exists, in the same atomic step. A pending job without a queue entry would
  never run and could not be retried; as a failed job it shows its reason in the jobs list, and
  "Retry" queues it again. A job in any other status is left as it is (a running job's worker
  still owns it). Nothing is written when the id is not in the queue. Only the head of the queue
  is searched (LPOS MAXLEN), and LREM stops at the last entry found there, so the call stays short
  however long the queue is; workers pop from the head, so a deeper entry comes within reach.
  (docs/triage.md)
  The workspace is checked against the old copy's own workspace_id first, as retry does, so a
  wrong one can never split the job's two copies.

  Input:
    KEYS[1] queue    ai:queue:pending
    KEYS[2] old      ai:jobs:{job_id}
    KEYS[3] new      ai:job:{workspace_id}:{job_id}, or "" when the workspace is not known

    ARGV[1] job id (the queue entry's value)
    ARGV[2] result JSON text for a pending job marked failed
    ARGV[3] timestamp (ISO-8601 UTC) for finished_at
    ARGV[4] workspace id the caller named (the one in KEYS[3]), or ""
    ARGV[5] how many entries from the head are searched (the reach)

  Output:
    { 1, removed, status_before, status_after, length }
                                                  removed; statuses are "" where no copy exists;
                                                  length is the queue's before the removal
    { -1, key }                                   wrong type at key; nothing written
    { -3 }                                        the id is not in the queue; nothing written
    { -7, length }                                not within reach of a longer queue; nothing written
    { -6, job_workspace }                         the old copy belongs to another workspace; nothing written
]]
local rcall = redis.call
local queueKey, oldKey, newKey = KEYS[1], KEYS[2], KEYS[3]
local jobId, result, now, workspace = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local reach = tonumber(ARGV[5])

local tQueue, tOld = rcall('TYPE', queueKey).ok, rcall('TYPE', oldKey).ok
if tQueue ~= 'none' and tQueue ~= 'list' then return { -1, queueKey } end
if tOld ~= 'none' and tOld ~= 'hash' then return { -1, oldKey } end
local tNew = 'none'
if newKey ~= '' then
  tNew = rcall('TYPE', newKey).ok
  if tNew ~= 'none' and tNew ~= 'hash' then return { -1, newKey } end
end
if tOld == 'hash' and workspace ~= '' then
  local jobWorkspace = rcall('HGET', oldKey, 'workspace_id')
  if jobWorkspace and jobWorkspace ~= '' and jobWorkspace ~= workspace then return { -6, jobWorkspace } end
end

local length = rcall('LLEN', queueKey)
local found = rcall('LPOS', queueKey, jobId, 'COUNT', 0, 'MAXLEN', reach)
if #found == 0 then
  if length > reach then return { -7, length } end
  return { -3 }
end
local removed = rcall('LREM', queueKey, #found, jobId)

local before = ''
if tOld == 'hash' then
  before = rcall('HGET', oldKey, 'status') or ''
elseif tNew == 'hash' then
  before = rcall('HGET', newKey, 'status') or ''
end
local after = before
if before == 'pending' then
  for _, key in ipairs({ oldKey, newKey }) do
    if key ~= '' and rcall('EXISTS', key) == 1 then
      rcall('HSET', key, 'status', 'failed', 'result', result, 'finished_at', now)
    end
  end
  after = 'failed'
end
return { 1, removed, before, after, length }
