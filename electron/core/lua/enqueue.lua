#!lua
--[[
  Enqueue a batch of jobs (one or many). Each job is all-or-nothing: every precondition of a job
  (key types, idempotency, existence) is checked before any of its writes, and failures are
  returned as codes, never raised, so a job is either fully written or not written at all.
  The flag is read once, here, so a flip applies to the very next call of every client.
  The shared keys are type-checked before the first write, so the writes gathered per call
  (RPUSH, ZADD per index, SADD, metrics) cannot fail once jobs have been written.
  Per job, in the common case: one EXISTS (request id and both job keys), HSET of the old hash,
  COPY of it to the new one when dual-writing, SET of the idempotency key.

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
    ARGV[6] JSON array of six strings per job, from element 1 + 6i:
      job_id, workspace_id, action_provider, action_name, params (JSON text), actor_id
      (one argument instead of six per job: the client's encoding cost is per argument)

  Output:
    { flag, outcomes, detail, detail, ... }: flag "on" when the jobs were dual-written, else
    "off"; outcomes holds one character per job, in order; each job whose outcome is not "e"
    adds one detail, in order:
      e                 enqueued
      d  existing_id    duplicate (the idempotency key held that id)
      c  key            conflict: the job id exists already
      w  key            wrong type: a key holds another Redis type
    or { "ERR", key } when a shared key (KEYS[1..5]) has the wrong type: nothing written.
    Raises an error (nothing written) when KEYS and ARGV[6] do not describe the same number of jobs.
]]
local rcall, rpcall = redis.call, redis.pcall
local queueKey, flagKey, bucketKey, totalKey, workspacesKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local values = cjson.decode(ARGV[6])
local jobs = (#KEYS - 5) / 4
if #ARGV ~= 6 or jobs ~= math.floor(jobs) or #values ~= 6 * jobs then
  return redis.error_reply('enqueue: expected 5 + 4n KEYS, 6 ARGV and 6n values in ARGV[6]')
end

local function typeOf(key)
  return rcall('TYPE', key).ok
end

local shared = { { queueKey, 'list' }, { bucketKey, 'hash' }, { totalKey, 'hash' }, { workspacesKey, 'set' } }
for _, pair in ipairs(shared) do
  local t = typeOf(pair[1])
  if t ~= 'none' and t ~= pair[2] then return { 'ERR', pair[1] } end
end
-- GET answers a wrong-typed flag key with an error; pcall turns it into a code instead of a raise.
local flag = rpcall('GET', flagKey)
if type(flag) == 'table' then return { 'ERR', flagKey } end
local dualWrite = (flag or ARGV[1]) == 'on'
local idemTtl, bucketTtl, enqueuedAt, score = ARGV[2], ARGV[3], ARGV[4], ARGV[5]

local outcomes = {}
local details = {}
local queued = {}
local perWorkspace = {}   -- ws -> dual-written jobs, for the metrics bucket
local seenWorkspaces = {} -- ws -> true, for one SADD per call
local indexTypes = {}     -- index key -> its type, checked once per call
local indexed = {}        -- index key -> { score, id, score, id, ... } for one ZADD per key

local function writeHash(key, a)
  rcall('HSET', key, 'job_id', values[a], 'status', 'pending', 'action_provider', values[a + 2],
    'action_name', values[a + 3], 'params', values[a + 4], 'workspace_id', values[a + 1],
    'actor_id', values[a + 5], 'result', '', 'enqueued_at', enqueuedAt)
end

-- Returns the outcome character of one job and its detail (nil when enqueued); writes only after
-- all of the job's checks passed.
local function enqueueOne(oldKey, newKey, indexKey, idemKey, a)
  local jobId, ws = values[a], values[a + 1]
  -- One EXISTS answers the common case (none of them there); only then look at which one is.
  local present = (idemKey ~= '') and rcall('EXISTS', idemKey, oldKey, newKey)
    or rcall('EXISTS', oldKey, newKey)
  if present > 0 then
    if idemKey ~= '' then
      local held = rpcall('GET', idemKey)
      if type(held) == 'table' then return 'w', idemKey end
      if held then return 'd', held end
    end
    for _, key in ipairs({ oldKey, newKey }) do
      local t = typeOf(key)
      if t ~= 'none' then return (t == 'hash') and 'c' or 'w', key end
    end
  end
  local tIndex = indexTypes[indexKey]
  if not tIndex then
    tIndex = typeOf(indexKey)
    indexTypes[indexKey] = tIndex
  end
  if tIndex ~= 'none' and tIndex ~= 'zset' then return 'w', indexKey end

  writeHash(oldKey, a)
  if dualWrite then
    -- The same fields: COPY duplicates the hash inside Redis, where a second HSET would convert
    -- and encode every argument again (docs/scaling.md, "Enqueue").
    rcall('COPY', oldKey, newKey)
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
  return 'e', nil
end

for i = 0, jobs - 1 do
  local k = 6 + 4 * i
  local outcome, detail = enqueueOne(KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], 1 + 6 * i)
  outcomes[i + 1] = outcome
  if detail then details[#details + 1] = detail end
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
-- Adds this call's counts with one HMGET and one HSET per counter hash (per slice of workspaces)
-- rather than one HINCRBY per workspace. The jobs are written by now and Redis cannot roll a
-- script back, so a count another client corrupted (anything HINCRBY would refuse: "abc", "1.5",
-- "007", too large) restarts from this call's count instead of failing the call.
local function asCount(text)
  if text == '0' or (#text <= 15 and string.match(text, '^%-?[1-9]%d*$')) then return tonumber(text) end
  return 0
end
local function addCounts(key, fields, counts)
  for first = 1, #fields, 2000 do
    local last = math.min(first + 1999, #fields)
    local current = rcall('HMGET', key, unpack(fields, first, last))
    local updates = {}
    for i = first, last do
      local old = current[i - first + 1]
      updates[#updates + 1] = fields[i]
      updates[#updates + 1] = string.format('%d', (old and asCount(old) or 0) + counts[i])
    end
    rcall('HSET', key, unpack(updates))
  end
end
if next(perWorkspace) then
  local fields, counts = {}, {}
  for ws, n in pairs(perWorkspace) do
    fields[#fields + 1] = ws .. '|succeeded'
    counts[#counts + 1] = n
  end
  addCounts(bucketKey, fields, counts)
  addCounts(totalKey, fields, counts)
  rcall('EXPIRE', bucketKey, bucketTtl)
end
local out = { dualWrite and 'on' or 'off', table.concat(outcomes) }
for i = 1, #details do out[i + 2] = details[i] end
return out
