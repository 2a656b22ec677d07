#!lua flags=no-writes
--[[
  Check a bounded batch of new-schema copies against the old schema: does the old hash exist,
  and does it name the workspace the new key is filed under? Copies that match are compared
  field by field by the old -> new pass, so only the two new-side categories are returned.
  The old key is built here (ARGV[1] .. job_id), so this script runs on a single Redis only.
  A call stops early once it has run for ARGV[3] microseconds; the caller sends the keys past
  `processed` again.

  Input:
    KEYS[1+1i] new   ai:job:{workspace_id}:{job_id}, one per job of the batch

    ARGV[1] prefix of old keys ("ai:jobs:")
    ARGV[2] prefix of new keys ("ai:job:"), stripped from KEYS[i] to get "{workspace_id}:{job_id}"
    ARGV[3] time budget of the call in microseconds (0 = none)

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

-- @include fingerprint

-- @include field

-- @include time-box

local out = { 0, 0 }
local function report(jobId, code, ws, detail, oldFlat, newFlat, enqueuedAt)
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4] = jobId, code, ws, detail
  out[n + 5], out[n + 6], out[n + 7] = fingerprint(oldFlat), fingerprint(newFlat), enqueuedAt or ''
end

local checked, processed = 0, 0
local overBudget = timeBox(budget)
for i = 1, #KEYS do
  if overBudget(i) then break end
  processed = i
  local newKey = KEYS[i]
  local rest = string.sub(newKey, #newPrefix + 1)
  local sep = string.find(rest, ':', 1, true)
  if sep then
    checked = checked + 1
    local ws, jobId = string.sub(rest, 1, sep - 1), string.sub(rest, sep + 1)
    local oldKey = oldPrefix .. jobId
    local oldWs = redis.pcall('HGET', oldKey, 'workspace_id')
    if type(oldWs) == 'table' and oldWs.err then
      report(jobId, 'wrong_type', ws, oldKey .. ' is a ' .. redis.call('TYPE', oldKey).ok, nil, nil, '')
    elseif oldWs ~= ws and (oldWs or redis.call('EXISTS', oldKey) == 0) then
      local new = redis.pcall('HGETALL', newKey)
      if new.err then new = nil end
      if new and #new == 0 then
        report(jobId, 'gone', ws, '', nil, nil, '')
      elseif not oldWs then
        report(jobId, 'missing_in_old', ws, '', nil, new, new and field(new, 'enqueued_at'))
      else
        local old = redis.call('HGETALL', oldKey)
        local own = redis.call('EXISTS', newPrefix .. oldWs .. ':' .. jobId)
        report(jobId, 'workspace_mismatch', ws, oldWs .. '|' .. own, old, new, field(old, 'enqueued_at'))
      end
    end
  end
end
out[1], out[2] = checked, processed
return out
