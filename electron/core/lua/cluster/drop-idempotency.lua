#!lua
--[[
  Cluster repair of an orphan idempotency key (docs/topologies.md "Repair on a cluster"): the job
  it names was read absent from both schemas in their own slots just before; here, in the key's
  slot, it is deleted only if it still holds the id the check saw and no enqueue with that request
  id is in flight (its intent sits beside the key), so an enqueue between the reads and this step
  is never undone.

  Input:
    KEYS[1] idempotency   ai:idempotency:{workspace_id}:{client_request_id}
    KEYS[2] intent        ai:qs:enq:intent:{tag}:r:{idempotency key} (tag = the key's slot)

    ARGV[1] the job id the key held when checked

  Output:
    { 1 }            deleted
    { 0, reason }    skipped: 'changed' (the key changed since the check), 'in_flight'
]]
local idemKey, intentKey = KEYS[1], KEYS[2]
if redis.call('TYPE', idemKey).ok ~= 'string' then return { 0, 'changed' } end
if redis.call('GET', idemKey) ~= ARGV[1] then return { 0, 'changed' } end
if redis.call('EXISTS', intentKey) == 1 then return { 0, 'in_flight' } end
redis.call('DEL', idemKey)
return { 1 }
