#!lua
--[[
  Cluster enqueue, step 1 of a call without a client_request_id (docs/topologies.md "Cluster
  enqueue"): the intent keyed by job id, beside the old copy (a hash tag of its slot), written in
  the same atomic step as the old copy itself. A job id that exists, or that another call is
  enqueueing, is refused with nothing written.

  Input:
    KEYS[1] intent  ai:qs:enq:intent:{tag}:j:{job_id} (hash; tag = the old copy's slot)
    KEYS[2] old     ai:jobs:{job_id}

    ARGV: as enqueue-reserve.lua (ARGV[4], the idempotency TTL, is not used; ARGV[14] is "")

  Output:
    { "r" }                      claimed: intent written (epoch 1) and the old copy created
    { "p", job_id, ms_left }     another call is enqueueing this job id (lease ends in ms_left)
    { "c", key }                 the old copy exists: conflict, nothing written
    { "x", key }                 wrong type at key; nothing written
]]
local intentKey, oldKey = KEYS[1], KEYS[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- @include intent-held

local taken = heldIntent(intentKey, now)
if taken then return taken end
local oldType = redis.call('TYPE', oldKey).ok
if oldType == 'hash' then return { 'c', oldKey } end
if oldType ~= 'none' then return { 'x', oldKey } end

redis.call('HSET', oldKey, 'job_id', ARGV[1], 'status', 'pending', 'action_provider', ARGV[7],
  'action_name', ARGV[8], 'params', ARGV[9], 'workspace_id', ARGV[6], 'actor_id', ARGV[10],
  'result', '', 'enqueued_at', ARGV[11])
redis.call('HSET', intentKey, 'job_id', ARGV[1], 'owner', ARGV[2], 'epoch', '1',
  'lease_until', tostring(now + tonumber(ARGV[3])),
  'workspace_id', ARGV[6], 'action_provider', ARGV[7], 'action_name', ARGV[8], 'params', ARGV[9],
  'actor_id', ARGV[10], 'enqueued_at', ARGV[11], 'score', ARGV[12], 'flag', ARGV[13], 'idem', '')
redis.call('PEXPIRE', intentKey, ARGV[5])
return { 'r' }
