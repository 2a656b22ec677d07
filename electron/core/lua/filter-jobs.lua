#!lua flags=no-writes
--[[
  Walk a bounded slice of a workspace's index, newest first, and return the ids whose job matches
  the text filters of the jobs list: action and actor contain a text (any case of ASCII letters),
  the id starts with a prefix, and optionally a status in either copy. Only the four fields a filter
  needs are read (HMGET), inside Redis, so a filter never ships whole jobs to the client just to
  drop them. The job is read as the list shows it: the old copy, else the new one. Job keys are
  built here (single Redis only). Keep the slice small (~200 ids) so one call stays well under 5 ms;
  the caller decides how many slices one listing may search (docs/triage.md).

  Input:
    KEYS[1] index   ai:qs:idx:{workspace_id} (zset job_id by enqueue time)

    ARGV[1] prefix of old keys ("ai:jobs:")
    ARGV[2] prefix of the workspace's new keys ("ai:job:{workspace_id}:")
    ARGV[3] first rank of the slice (descending: 0 = newest)
    ARGV[4] number of ids in the slice
    ARGV[5] status wanted in either copy, or ""
    ARGV[6] text the action ("{provider}.{name}") must contain, lower case, or ""
    ARGV[7] text the actor_id must contain, lower case, or ""
    ARGV[8] prefix the job id must start with, or ""
    ARGV[9] how many matches are enough

  Output:
    { ids_consumed, matching id, matching id, ... } where ids_consumed counts the ids read up to
    and including the last match returned (the cursor of the next page starts after them)
]]
local indexKey = KEYS[1]
local oldPrefix, newPrefix = ARGV[1], ARGV[2]
local start, count = tonumber(ARGV[3]), tonumber(ARGV[4])
local wantedStatus, actionText, actorText, idPrefix = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local enough = tonumber(ARGV[9])

local function fields(key)
  local ok, reply = pcall(redis.call, 'HMGET', key, 'status', 'action_provider', 'action_name', 'actor_id')
  if not ok then return nil end
  if not reply[1] and not reply[2] and not reply[3] and not reply[4] then return nil end
  return reply
end

local function contains(value, text)
  if text == '' then return true end
  return string.find(string.lower(value or ''), text, 1, true) ~= nil
end

local function actionOf(job)
  local provider, name = job[2] or '', job[3] or ''
  if provider ~= '' and name ~= '' then return provider .. '.' .. name end
  return provider .. name
end

local out = { 0 }
local ids = redis.call('ZREVRANGE', indexKey, start, start + count - 1)
for i, id in ipairs(ids) do
  if idPrefix == '' or string.sub(id, 1, #idPrefix) == idPrefix then
    local old = fields(oldPrefix .. id)
    local new = fields(newPrefix .. id)
    local job = old or new
    local match = job ~= nil
    if match and wantedStatus ~= '' then
      match = (old and old[1] == wantedStatus) or (new and new[1] == wantedStatus) or false
    end
    match = match and contains(actionOf(job), actionText) and contains(job[4], actorText)
    if match then
      out[#out + 1] = id
      if #out - 1 >= enough then
        out[1] = i
        return out
      end
    end
  end
end
out[1] = #ids
return out
