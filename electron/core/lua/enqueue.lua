#!lua
--[[
  Enqueue a batch of jobs (one or many). Each job is all-or-nothing: every precondition of a job
  (key types, idempotency, existence) is checked before any of its writes, and failures are
  returned as codes, never raised, so a job is either fully written or not written at all.
  The flag is read once, here, so a flip applies to the very next call of every client.
  The shared keys are type-checked before the first write, so the writes gathered per call
  (RPUSH, ZADD per index, SADD, metrics) cannot fail once jobs have been written.

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
    ARGV[4] enqueued_at of every job of the call (ISO-8601 UTC)
    ARGV[5] the same instant in ms: the jobs' score in their workspace index
    Then six values per job, from ARGV[6 + 6i]:
      job_id, workspace_id, action_provider, action_name, params (JSON), actor_id

  Output:
    { flag, code_1, value_1, code_2, value_2, ... } with per job:
       1, job_id          enqueued
       2, existing_id     duplicate (idempotency key held the id)
      -1, key             conflict: the job id exists already
      -2, key             wrong type: a key holds another Redis type
    or { "ERR", -2, key } when a shared key (KEYS[1..5]) has the wrong type: nothing written.
    Raises an error (nothing written) when KEYS and ARGV do not describe the same number of jobs.
]]
local rcall, rpcall = redis.call, redis.pcall
local queueKey, flagKey, bucketKey, totalKey, workspacesKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local jobs = (#KEYS - 5) / 4
if jobs ~= math.floor(jobs) or #ARGV ~= 5 + 6 * jobs then
  return redis.error_reply('enqueue: expected 5 + 4n KEYS and 5 + 6n ARGV')
end

local function typeOf(key)
  return rcall('TYPE', key).ok
end

local shared = { { queueKey, 'list' }, { bucketKey, 'hash' }, { totalKey, 'hash' }, { workspacesKey, 'set' } }
for _, pair in ipairs(shared) do
  local t = typeOf(pair[1])
  if t ~= 'none' and t ~= pair[2] then return { 'ERR', -2, pair[1] } end
end
-- GET answers a wrong-typed flag key with an error; pcall turns it into a code instead of a raise.
local flag = rpcall('GET', flagKey)
if type(flag) == 'table' then return { 'ERR', -2, flagKey } end
flag = flag or ARGV[1]
local dualWrite = flag == 'on'
local idemTtl, bucketTtl, enqueuedAt, score = ARGV[2], ARGV[3], ARGV[4], ARGV[5]

local out = { flag }
local queued = {}
local perWorkspace = {}   -- ws -> dual-written jobs, for the metrics bucket
local seenWorkspaces = {} -- ws -> true, for one SADD per call
local indexTypes = {}     -- index key -> its type, checked once per call
local indexed = {}        -- index key -> { score, id, score, id, ... } for one ZADD per key

local function writeHash(key, a)
  rcall('HSET', key, 'job_id', ARGV[a], 'status', 'pending', 'action_provider', ARGV[a + 2],
    'action_name', ARGV[a + 3], 'params', ARGV[a + 4], 'workspace_id', ARGV[a + 1],
    'actor_id', ARGV[a + 5], 'result', '', 'enqueued_at', enqueuedAt)
end

-- Returns code, value for one job; writes only after all of its checks passed.
local function enqueueOne(oldKey, newKey, indexKey, idemKey, a)
  local jobId, ws = ARGV[a], ARGV[a + 1]
  if idemKey ~= '' then
    local held = rpcall('GET', idemKey)
    if type(held) == 'table' then return -2, idemKey end
    if held then return 2, held end
  end
  if rcall('EXISTS', oldKey, newKey) > 0 then
    for _, key in ipairs({ oldKey, newKey }) do
      local t = typeOf(key)
      if t ~= 'none' then return (t == 'hash') and -1 or -2, key end
    end
  end
  local tIndex = indexTypes[indexKey]
  if not tIndex then
    tIndex = typeOf(indexKey)
    indexTypes[indexKey] = tIndex
  end
  if tIndex ~= 'none' and tIndex ~= 'zset' then return -2, indexKey end

  writeHash(oldKey, a)
  if dualWrite then
    writeHash(newKey, a)
    perWorkspace[ws] = (perWorkspace[ws] or 0) + 1
  end
  if idemKey ~= '' then rcall('SET', idemKey, jobId, 'EX', idemTtl) end
  local members = indexed[indexKey]
  if not members then
    members = {}
    indexed[indexKey] = members
  end
  members[#members + 1] = score
  members[#members + 1] = jobId
  seenWorkspaces[ws] = true
  queued[#queued + 1] = jobId
  return 1, jobId
end

for i = 0, jobs - 1 do
  local k = 6 + 4 * i
  local code, value = enqueueOne(KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], 6 + 6 * i)
  out[#out + 1] = code
  out[#out + 1] = value
end

-- unpack() is bounded by Lua's C stack (~8000 values): pass long lists in even-sized slices.
local function callWithAll(command, key, list)
  for i = 1, #list, 4000 do
    rcall(command, key, unpack(list, i, math.min(i + 3999, #list)))
  end
end

if #queued > 0 then
  callWithAll('RPUSH', queueKey, queued)
  for indexKey, members in pairs(indexed) do callWithAll('ZADD', indexKey, members) end
  local workspaces = {}
  for ws in pairs(seenWorkspaces) do workspaces[#workspaces + 1] = ws end
  callWithAll('SADD', workspacesKey, workspaces)
end
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
