#!lua
--[[
  Cluster writes, one copy of a job as compare-and-set (docs/topologies.md "Cluster writes"):
  the copy is changed only while it still has the status the caller read, so a concurrent
  worker's change between the read and this step is never overwritten. With a workspace, a copy
  whose own workspace_id names another one is refused before anything is written, so a wrong
  workspace never splits a job. Never creates a key: an absent copy is reported, not written.

  Input:
    KEYS[1] copy     ai:jobs:{job_id} or ai:job:{workspace_id}:{job_id}

    ARGV[1] the status the copy was read with ("" for a copy without one)
    ARGV[2] workspace id the caller named, or "" to skip the workspace check
    ARGV[3] n, how many fields to delete
    ARGV[4 .. 3+n] the fields to delete
    ARGV[4+n ..] field, value pairs to set

  Output:
    1                            written
    { "gone" }                   the copy does not exist; nothing written
    { "x", key }                 wrong type at key; nothing written
    { "c", current_status }      the copy's status changed since it was read; nothing written
    { "w", job_workspace }       the copy belongs to another workspace; nothing written
]]
local key = KEYS[1]
local expected, workspace, n = ARGV[1], ARGV[2], tonumber(ARGV[3])

local kind = redis.call('TYPE', key).ok
if kind == 'none' then return { 'gone' } end
if kind ~= 'hash' then return { 'x', key } end
local have = redis.call('HMGET', key, 'status', 'workspace_id')
if workspace ~= '' and have[2] and have[2] ~= '' and have[2] ~= workspace then
  return { 'w', have[2] }
end
if (have[1] or '') ~= expected then return { 'c', have[1] or '' } end

if n > 0 then redis.call('HDEL', key, unpack(ARGV, 4, 3 + n)) end
if #ARGV >= 5 + n then redis.call('HSET', key, unpack(ARGV, 4 + n)) end
return 1
