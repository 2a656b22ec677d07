#!lua
--[[
  Enqueue a batch of jobs (one or many). Each job is all-or-nothing: every precondition of a job
  (key types, idempotency, existence) is checked before any of its writes, and failures are
  returned as codes, never raised, so a job is either fully written or not written at all.
  The flag is read once, here, so a flip applies to the very next call of every client.

  Input:
    KEYS[1] queue            ai:queue:pending (list)
    KEYS[2] flag             ai:flags:new_schema (string on/off)
    KEYS[3] metricsBucket    ai:qs:dw:{minute} (hash "{ws}|succeeded" -> count)
    KEYS[4] metricsTotal     ai:qs:dw:total (hash "{ws}|succeeded" -> count)
    KEYS[5] workspaces       ai:qs:workspaces (set of workspace ids)
    Then four keys per job i = 0..n-1, from KEYS[6 + 4i]:
    KEYS[6+4i] old           ai:jobs:{job_id}
    KEYS[7+4i] new           ai:job:{workspace_id}:{job_id}
    KEYS[8+4i] index         ai:qs:idx:{workspace_id} (zset job_id by enqueue time)
    KEYS[9+4i] idempotency   ai:idempotency:{workspace_id}:{client_request_id}, or "" when none

    ARGV[1] default flag value when KEYS[2] is absent ("on" / "off")
    ARGV[2] idempotency TTL, seconds
    ARGV[3] metrics bucket TTL, seconds
    Then eight values per job, from ARGV[4 + 8i]:
      job_id, workspace_id, action_provider, action_name, params, actor_id, enqueued_at, score(ms)

  Output:
    { flag, code_1, value_1, code_2, value_2, ... } with per job:
       1, job_id          enqueued
       2, existing_id     duplicate (idempotency key held the id)
      -1, key             conflict: the job id exists already
      -2, key             wrong type: a key holds another Redis type
    or { "ERR", -2, key } when a shared key (KEYS[1..5]) has the wrong type: nothing written.
]]
local rcall = redis.call
local queueKey, flagKey, bucketKey, totalKey, workspacesKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]

local function typeOf(key)
  return rcall('TYPE', key).ok
end

local shared = { { queueKey, 'list' }, { flagKey, 'string' }, { bucketKey, 'hash' }, { totalKey, 'hash' },
  { workspacesKey, 'set' } }
for _, pair in ipairs(shared) do
  local t = typeOf(pair[1])
  if t ~= 'none' and t ~= pair[2] then return { 'ERR', -2, pair[1] } end
end

local flag = rcall('GET', flagKey) or ARGV[1]
local dualWrite = flag == 'on'
local idemTtl, bucketTtl = ARGV[2], ARGV[3]

local out = { flag }
local queued = {}
local perWorkspace = {}

-- Returns code, value for one job; writes only after all of its checks passed.
local function enqueueOne(oldKey, newKey, indexKey, idemKey, a)
  local jobId, ws = ARGV[a], ARGV[a + 1]
  if idemKey ~= '' then
    local t = typeOf(idemKey)
    if t == 'string' then return 2, rcall('GET', idemKey) end
    if t ~= 'none' then return -2, idemKey end
  end
  local tOld, tNew, tIndex = typeOf(oldKey), typeOf(newKey), typeOf(indexKey)
  if tOld ~= 'none' then return (tOld == 'hash') and -1 or -2, oldKey end
  if tNew ~= 'none' then return (tNew == 'hash') and -1 or -2, newKey end
  if tIndex ~= 'none' and tIndex ~= 'zset' then return -2, indexKey end

  local fields = { 'job_id', jobId, 'status', 'pending', 'action_provider', ARGV[a + 2],
    'action_name', ARGV[a + 3], 'params', ARGV[a + 4], 'workspace_id', ws, 'actor_id', ARGV[a + 5],
    'result', '', 'enqueued_at', ARGV[a + 6] }
  rcall('HSET', oldKey, unpack(fields))
  if dualWrite then
    rcall('HSET', newKey, unpack(fields))
    perWorkspace[ws] = (perWorkspace[ws] or 0) + 1
  end
  rcall('ZADD', indexKey, ARGV[a + 7], jobId)
  rcall('SADD', workspacesKey, ws)
  if idemKey ~= '' then rcall('SET', idemKey, jobId, 'EX', idemTtl) end
  queued[#queued + 1] = jobId
  return 1, jobId
end

local jobs = (#KEYS - 5) / 4
for i = 0, jobs - 1 do
  local k = 6 + 4 * i
  local code, value = enqueueOne(KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], 4 + 8 * i)
  out[#out + 1] = code
  out[#out + 1] = value
end

if #queued > 0 then rcall('RPUSH', queueKey, unpack(queued)) end
-- The jobs are written by now and Redis cannot roll a script back: a counter value another client
-- corrupted (HINCRBY on "abc") must not fail the call, so such a count restarts from this call's.
local function addCount(key, field, n)
  if type(redis.pcall('HINCRBY', key, field, n)) == 'table' then rcall('HSET', key, field, n) end
end
for ws, n in pairs(perWorkspace) do
  addCount(bucketKey, ws .. '|succeeded', n)
  addCount(totalKey, ws .. '|succeeded', n)
end
if next(perWorkspace) then rcall('EXPIRE', bucketKey, bucketTtl) end
return out
