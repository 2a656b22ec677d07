#!lua flags=no-writes
--[[
  Check a bounded batch of new-schema copies against the old schema: does the old hash exist,
  and does it name the workspace the new key is filed under? Copies that match are compared
  field by field by the old -> new pass, so only the two new-side categories are returned.
  The old key is built here (ARGV[1] .. job_id), so this script runs on a single Redis only.
  A call stops early once it has run for ARGV[3] microseconds (TIME is read after a count of work
  done); the caller sends the keys past `processed` again. A copy too big to hash within that
  budget (ARGV[5] fields or ARGV[6] bytes) gets the fingerprint '?', and the caller computes it in
  bounded steps.

  Input:
    KEYS[1+1i] new   ai:job:{workspace_id}:{job_id}, one per job of the batch

    ARGV[1] prefix of old keys ("ai:jobs:")
    ARGV[2] prefix of new keys ("ai:job:"), stripped from KEYS[i] to get "{workspace_id}:{job_id}"
    ARGV[3] time budget of the call in microseconds (0 = none)
    ARGV[4] workspace scope: only copies filed under it, or whose old hash names it, are checked
            ("" = every copy); the others are skipped, neither counted nor reported
    ARGV[5] most fields of a hash fingerprinted here
    ARGV[6] most bytes (MEMORY USAGE) of a hash fingerprinted here

  Output:
    { checked_count, processed_count, then 7 values per divergent job:
      job_id, code, workspace_id, detail, old_fingerprint, new_fingerprint, enqueued_at }
    codes:
      'missing_in_old'      no old hash for the job
      'workspace_mismatch'  the old hash names another workspace; detail = "{old_ws}|{own}" where
                            own is 1 when the old hash's own new copy exists too, else 0
      'wrong_type'          a key holds another Redis type; detail = '{key} is a {type}'
      'gone'                the new key vanished since it was scanned (nothing to check)
    enqueued_at is the old hash's (for workspace_mismatch), else the new copy's.
]]
local oldPrefix, newPrefix, budget = ARGV[1], ARGV[2], tonumber(ARGV[3]) or 0
local scope, maxFields, maxBytes = ARGV[4] or '', tonumber(ARGV[5]) or 1000, tonumber(ARGV[6]) or 65536

-- @include fingerprint

-- @include field

-- @include time-box

-- @include size-gate

local out = { 0, 0 }
local function report(jobId, code, ws, detail, oldFp, newFp, enqueuedAt)
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4] = jobId, code, ws, detail
  out[n + 5], out[n + 6], out[n + 7] = oldFp or '', newFp or '', enqueuedAt or ''
end

-- A hash's fingerprint and enqueued_at, or '?' when it is too big to hash here; its weight.
local function summary(key, fields)
  local tooBig, bytes = heavy(key, fields, maxFields, maxBytes)
  if tooBig then return '?', redis.call('HGET', key, 'enqueued_at'), bytes end
  local flat = redis.call('HGETALL', key)
  return fingerprint(flat), field(flat, 'enqueued_at'), bytes
end

local checked = 0

-- Checks one new copy; returns its weight in bytes for the time box.
local function checkCopy(newKey)
  local rest = string.sub(newKey, #newPrefix + 1)
  local sep = string.find(rest, ':', 1, true)
  if not sep then return 0 end
  local ws, jobId = string.sub(rest, 1, sep - 1), string.sub(rest, sep + 1)
  local oldKey = oldPrefix .. jobId
  local oldWs = redis.pcall('HGET', oldKey, 'workspace_id')
  if type(oldWs) == 'table' and oldWs.err then
    if scope ~= '' and ws ~= scope then return 0 end
    checked = checked + 1
    report(jobId, 'wrong_type', ws, oldKey .. ' is a ' .. redis.call('TYPE', oldKey).ok)
    return 0
  end
  if scope ~= '' and ws ~= scope and oldWs ~= scope then return 0 end
  checked = checked + 1
  if oldWs == ws or (not oldWs and redis.call('EXISTS', oldKey) == 1) then return 0 end
  local newFields = redis.pcall('HLEN', newKey)
  if type(newFields) == 'table' then
    report(jobId, 'wrong_type', ws, newKey .. ' is a ' .. redis.call('TYPE', newKey).ok)
    return 0
  end
  if newFields == 0 then return report(jobId, 'gone', ws, '') or 0 end
  local newFp, newAt, newBytes = summary(newKey, newFields)
  if not oldWs then
    report(jobId, 'missing_in_old', ws, '', '', newFp, newAt)
    return newBytes
  end
  local oldFp, oldAt, oldBytes = summary(oldKey, redis.call('HLEN', oldKey))
  local own = redis.call('EXISTS', newPrefix .. oldWs .. ':' .. jobId)
  report(jobId, 'workspace_mismatch', ws, oldWs .. '|' .. own, oldFp, newFp, oldAt)
  return newBytes + oldBytes
end

local processed, weight = 0, 0
local overBudget = timeBox(budget)
for i = 1, #KEYS do
  if overBudget(i, weight) then break end
  processed = i
  weight = checkCopy(KEYS[i])
end
out[1], out[2] = checked, processed
return out
