#!lua
--[[
  Cluster enqueue, the commit (docs/topologies.md "Cluster enqueue"): compare-and-set on the
  intent's owner and epoch, then drop the intent in the same step. The idempotency key, set by
  the reservation, then stands alone: the call is done. A caller whose intent was taken over
  (a stalled writer) changes nothing.

  Input:
    KEYS[1] intent   ai:qs:enq:intent:{tag}:…

    ARGV[1] owner    ARGV[2] epoch

  Output:
    1 committed, 0 not (the intent is gone or held by another owner or epoch)
]]
local held = redis.call('HMGET', KEYS[1], 'owner', 'epoch')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1
