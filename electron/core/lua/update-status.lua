#!lua
--[[
  Move a job to a new status in the old hash and, iff it exists, the new hash, in one atomic step.
  Never creates a key: an unknown job is reported, not written (a bare HSET would make a junk hash).
  Moving a job back to pending from another status requeues it: its worker popped the id from the
  queue when it took the job, so the id is pushed again, once, or no worker would ever see it.
  A given workspace is checked against the old copy's own workspace_id before anything is written:
  with a wrong one the new key names a copy that is not this job's, so only the old copy would
  move and the two copies would split. When there is no old copy, the new key (built from the
  given workspace) is the job's only copy and fixes its workspace; an old copy without a
  workspace_id (a legacy producer) has nothing to compare against.

  Input:
    KEYS[1] old      ai:jobs:{job_id}
    KEYS[2] flag     ai:flags:new_schema
    KEYS[3] new      ai:job:{workspace_id}:{job_id}, or "" when no workspace was given
    KEYS[4] queue    ai:queue:pending

    ARGV[1] default flag value when KEYS[2] is absent ("on" / "off")
    ARGV[2] new status
    ARGV[3] "1" to skip the transition rules (forced by an operator), else "0"
    ARGV[4] timestamp (ISO-8601 UTC) for started_at / finished_at
    ARGV[5] result JSON text, or "" to leave result untouched
    ARGV[6] job id, pushed onto the queue when the job goes back to pending
    ARGV[7] workspace id the caller named (the one in KEYS[3]), or ""

  Output:
    { 1, previous_status }        updated
    { -1, key }                   wrong type at key
    { -3 }                        not found in either schema
    { -4, current_status }        transition not allowed
    { -5 }                        workspace_id required: the flag is on and none was given
    { -6, job_workspace }         the old copy belongs to another workspace; nothing written
]]
local rcall = redis.call
local oldKey, flagKey, newKey, queueKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local status, force, now, result = ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5]
local workspace = ARGV[7]

local tFlag = rcall('TYPE', flagKey).ok
if tFlag ~= 'none' and tFlag ~= 'string' then return { -1, flagKey } end
local flag = rcall('GET', flagKey) or ARGV[1]
if flag == 'on' and newKey == '' then return { -5 } end

local tOld = rcall('TYPE', oldKey).ok
if tOld ~= 'none' and tOld ~= 'hash' then return { -1, oldKey } end
local tNew = 'none'
if newKey ~= '' then
  tNew = rcall('TYPE', newKey).ok
  if tNew ~= 'none' and tNew ~= 'hash' then return { -1, newKey } end
end
if tOld == 'none' and tNew == 'none' then return { -3 } end
if tOld == 'hash' and workspace ~= '' then
  local jobWorkspace = rcall('HGET', oldKey, 'workspace_id')
  if jobWorkspace and jobWorkspace ~= '' and jobWorkspace ~= workspace then return { -6, jobWorkspace } end
end

local current = rcall('HGET', (tOld == 'hash') and oldKey or newKey, 'status') or ''
local allowed = {
  pending = { running = true },
  running = { completed = true, failed = true, pending = true },
}
if not force and not (allowed[current] and allowed[current][status]) then return { -4, current } end
local requeue = status == 'pending' and current ~= 'pending'
if requeue then
  local tQueue = rcall('TYPE', queueKey).ok
  if tQueue ~= 'none' and tQueue ~= 'list' then return { -1, queueKey } end
end

local fields = { 'status', status }
if status == 'running' then
  fields[#fields + 1] = 'started_at'; fields[#fields + 1] = now
elseif status == 'completed' or status == 'failed' then
  fields[#fields + 1] = 'finished_at'; fields[#fields + 1] = now
  if result ~= '' then fields[#fields + 1] = 'result'; fields[#fields + 1] = result end
end
if tOld == 'hash' then rcall('HSET', oldKey, unpack(fields)) end
if tNew == 'hash' then rcall('HSET', newKey, unpack(fields)) end
if requeue then rcall('RPUSH', queueKey, ARGV[6]) end
return { 1, current }
