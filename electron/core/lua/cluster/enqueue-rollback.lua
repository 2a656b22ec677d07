#!lua
--[[
  Cluster enqueue, the last step of a rollback (docs/topologies.md "Cluster enqueue"), after the
  copies were removed: compare-and-set on owner and epoch, then the idempotency key (only while
  it still holds this job id) and the intent are deleted, so a retry with the request id starts
  afresh.

  Input:
    KEYS[1] intent        ai:qs:enq:intent:{tag}:…
    KEYS[2] idempotency   ai:idempotency:{workspace_id}:{client_request_id}; left out when none

    ARGV[1] owner    ARGV[2] epoch    ARGV[3] job id

  Output:
    1 rolled back, 0 not (the intent is gone or held by another owner or epoch)
]]
local held = redis.call('HMGET', KEYS[1], 'owner', 'epoch')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 0 end
if #KEYS > 1 and redis.call('TYPE', KEYS[2]).ok == 'string' and redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
redis.call('DEL', KEYS[1])
return 1
