#!lua
--[[
  Cluster enqueue, step 1 of a call with a client_request_id (docs/topologies.md "Cluster
  enqueue"): the reservation, in the idempotency key's slot. The intent (the whole job, the flag
  read for the call, its owner, epoch and lease) is a hash beside the idempotency key (a hash tag
  of that slot), so taking the request id and writing the intent are one atomic step.

  Input:
    KEYS[1] idempotency  ai:idempotency:{workspace_id}:{client_request_id}
    KEYS[2] intent       ai:qs:enq:intent:{tag}:r:{idempotency key} (hash; tag = the idempotency key's slot)

    ARGV[1] job id          ARGV[2] owner (random per call)   ARGV[3] lease, ms
    ARGV[4] idempotency TTL, seconds                           ARGV[5] intent TTL, ms (a safety net)
    ARGV[6..14] workspace_id, action_provider, action_name, params, actor_id, enqueued_at,
                score (ms), flag ("on"/"off"), the idempotency key ("" for none)

  Output:
    { "r" }                      reserved: the idempotency key now holds the job id, epoch 1
    { "d", job_id }              duplicate: a committed call holds the request id
    { "p", job_id, ms_left }     pending: another call holds it; its lease ends in ms_left
                                 (<= 0: expired, to be taken over by enqueue-takeover.lua)
    { "x", key }                 wrong type at key; nothing written
]]
local idemKey, intentKey = KEYS[1], KEYS[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- @include intent-held

local taken = heldIntent(intentKey, now)
if taken then return taken end
local held = redis.pcall('GET', idemKey)
if type(held) == 'table' then return { 'x', idemKey } end
if held then return { 'd', held } end

redis.call('SET', idemKey, ARGV[1], 'EX', ARGV[4])
redis.call('HSET', intentKey, 'job_id', ARGV[1], 'owner', ARGV[2], 'epoch', '1',
  'lease_until', tostring(now + tonumber(ARGV[3])),
  'workspace_id', ARGV[6], 'action_provider', ARGV[7], 'action_name', ARGV[8], 'params', ARGV[9],
  'actor_id', ARGV[10], 'enqueued_at', ARGV[11], 'score', ARGV[12], 'flag', ARGV[13], 'idem', ARGV[14])
redis.call('PEXPIRE', intentKey, ARGV[5])
return { 'r' }
