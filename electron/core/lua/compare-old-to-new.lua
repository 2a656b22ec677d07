#!lua flags=no-writes
--[[
  Compare a bounded batch of jobs old -> new, reading both copies inside Redis so only the
  differences travel back. Each job's new key is built here from the old hash's workspace_id
  (ARGV[1] .. ws .. ':' .. job_id), so this script runs on a single Redis, not on a cluster.
  Every field compares by the equality of two copies (docs/guarantees.md): equal bytes, or JSON
  texts denoting the same value, since Python and JavaScript serialise one object differently.
  A call stops early once it has run for ARGV[3] microseconds (TIME is read after a count of work
  done: every ten or so jobs, sooner after heavy ones), so no call blocks Redis for long whatever
  the batch size or the host's speed; the caller sends the jobs past `processed` again. A job too
  big to read or compare within that budget (over ARGV[6] bytes, or with a differing value
  longer than ARGV[7] bytes that would need decoding) is not read here: it comes back as 'large'
  and the caller compares it in bounded steps. Copies of equal bytes are never decoded: JSON is
  parsed only for a field whose two values differ by bytes.

  Input:
    KEYS[1+1i] old   ai:jobs:{job_id}, one per job of the batch

    ARGV[1] prefix of new keys ("ai:job:")
    ARGV[2] prefix of old keys ("ai:jobs:"), stripped from KEYS[i] to get the job id
    ARGV[3] time budget of the call in microseconds (0 = none)
    ARGV[4] workspace scope: only jobs whose old hash names it are compared ("" = every job);
            the others are skipped, neither counted nor reported
    ARGV[5] not read: one MEMORY USAGE call bounds the fields too (includes/weigh.lua)
    ARGV[6] most bytes (MEMORY USAGE) of a hash compared here
    ARGV[7] longest differing value decoded here as JSON

  Output:
    { in_sync_count, processed_count, found_new_keys, then 7 values per other job:
      job_id, code, workspace_id, detail, old_pairs, new_pairs, enqueued_at }
    found_new_keys lists the new key of every job whose new copy was found under the old hash's
    workspace (in sync, mismatch or large): the new -> old pass has nothing to say of those keys,
    so the caller can spare them that call (docs/guarantees.md, "Divergence check").
    codes:
      'gone'            the old key vanished since it was scanned (nothing to compare)
      'missing_in_new'  no new copy under the old hash's workspace
      'mismatch'        both exist and differ; detail = differing fields joined by ','
      'wrong_type'      a key holds another Redis type; detail = '{key} is a {type}'
      'large'           too big for one bounded call; detail = the new key; nothing else is set
    old_pairs and new_pairs are the copy's field/value pairs as read here ('' when absent), from
    which the caller computes its fingerprint, the repair's compare-and-set token: hashing them
    here would cost Redis a sort and a sha1 per reported job, mostly jobs awaiting backfill.
]]
local newPrefix, oldPrefix, budget = ARGV[1], ARGV[2], tonumber(ARGV[3]) or 0

-- @include byte-less

-- @include json-equal

local function toMap(flat)
  local m = {}
  for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end
  return m
end

-- Same order, same bytes: two listpack-encoded copies written by one HSET. No table built.
local function identical(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i] ~= b[i] then return false end
  end
  return true
end

-- Same field/value pairs in any order: a hashtable-encoded hash (a value over 64 bytes, or over
-- 128 fields, with default settings) replies in bucket order, which differs between two copies.
-- Field names are unique within a hash, so equal lengths and every pair of b found in a suffice.
local function sameBytes(a, b)
  if #a ~= #b then return false end
  local m = {}
  for i = 1, #a, 2 do m[a[i]] = a[i + 1] end
  for i = 1, #b, 2 do
    if m[b[i]] ~= b[i + 1] then return false end
  end
  return true
end

local function differingFields(a, b)
  local ma, mb = toMap(a), toMap(b)
  local out = {}
  for f, va in pairs(ma) do
    local vb = mb[f]
    if not sameValue(va, vb) then out[#out + 1] = f end
  end
  for f in pairs(mb) do
    if ma[f] == nil then out[#out + 1] = f end
  end
  table.sort(out, byteLess)
  return out
end

-- @include field

-- @include time-box

-- @include weigh

local scope, maxBytes = ARGV[4] or '', tonumber(ARGV[6]) or 65536
local inlineJson = tonumber(ARGV[7]) or 4096

-- A value that differs by bytes and is too long to decode within the call's budget: the caller
-- compares such a job instead.
local function longDifference(old, new)
  local m = {}
  for i = 1, #new, 2 do m[new[i]] = new[i + 1] end
  for i = 1, #old, 2 do
    local a, b = old[i + 1], m[old[i]]
    if b and a ~= b and (#a > inlineJson or #b > inlineJson) then return true end
  end
  return false
end

local inSync = 0
local found = {}
local out = { 0, 0, found }
local overBudget = timeBox(budget)
local function report(jobId, code, ws, detail, oldFlat, newFlat)
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4] = jobId, code, ws or '', detail or ''
  out[n + 5], out[n + 6] = oldFlat or '', newFlat or ''
  out[n + 7] = (oldFlat and field(oldFlat, 'enqueued_at')) or ''
end

local function typeError(jobId, ws, key)
  report(jobId, 'wrong_type', ws, key .. ' is a ' .. redis.call('TYPE', key).ok)
end

-- A key that is not a hash names no workspace: only an unscoped check reports it.
local function notHash(jobId, oldKey)
  if scope == '' then typeError(jobId, '', oldKey) end
  return 0
end

-- Compares one job; returns its weight in bytes for the time box. Each copy costs one call to size
-- it and one to read it (docs/guarantees.md, "Bounded calls").
local function compareJob(oldKey)
  local jobId = string.sub(oldKey, #oldPrefix + 1)
  local oldBytes, oldHeavy = weigh(oldKey, maxBytes)
  if not oldBytes then return report(jobId, 'gone') or 0 end
  -- The workspace is read on its own only where it is needed before the whole hash is.
  local ws
  if scope ~= '' then
    ws = redis.pcall('HGET', oldKey, 'workspace_id')
    if type(ws) == 'table' then return notHash(jobId, oldKey) end
    if (ws or '') ~= scope then return 0 end
  end
  if oldHeavy then
    if redis.call('TYPE', oldKey).ok ~= 'hash' then return notHash(jobId, oldKey) end
    ws = ws or redis.call('HGET', oldKey, 'workspace_id') or ''
    return report(jobId, 'large', ws, newPrefix .. ws .. ':' .. jobId) or oldBytes
  end
  local old = redis.pcall('HGETALL', oldKey)
  if old.err then return notHash(jobId, oldKey) end
  ws = ws or field(old, 'workspace_id') or ''
  local newKey = newPrefix .. ws .. ':' .. jobId
  local newBytes, newHeavy = weigh(newKey, maxBytes)
  if not newBytes then return report(jobId, 'missing_in_new', ws, '', old, nil) or oldBytes end
  local new
  if newHeavy then
    if redis.call('TYPE', newKey).ok ~= 'hash' then return typeError(jobId, ws, newKey) or oldBytes end
  else
    new = redis.pcall('HGETALL', newKey)
    if new.err then return typeError(jobId, ws, newKey) or oldBytes end
  end
  found[#found + 1] = newKey
  if newHeavy then return report(jobId, 'large', ws, newKey) or oldBytes + newBytes end
  if identical(old, new) or sameBytes(old, new) then
    inSync = inSync + 1
  elseif longDifference(old, new) then
    report(jobId, 'large', ws, newKey)
  else
    local fields = differingFields(old, new)
    if #fields == 0 then
      inSync = inSync + 1
    else
      report(jobId, 'mismatch', ws, table.concat(fields, ','), old, new)
    end
  end
  return oldBytes + newBytes
end

local processed, weight = 0, 0
for i = 1, #KEYS do
  if overBudget(i, weight) then break end
  processed = i
  weight = compareJob(KEYS[i])
end
out[1], out[2] = inSync, processed
return out
