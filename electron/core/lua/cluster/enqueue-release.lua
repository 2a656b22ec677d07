#!lua
--[[
  Cluster enqueue, the release (docs/topologies.md "Cluster enqueue"): a call whose writes were
  not confirmed by the replicas in time keeps its intent (so a retry or the sweep rolls the call
  forward again and re-creates what a failover lost) but ends its lease at once, compare-and-set
  on owner and epoch, so the retry takes it over without waiting the lease out.

  Input:
    KEYS[1] intent   ai:qs:enq:intent:{tag}:…

    ARGV[1] owner    ARGV[2] epoch

  Output:
    1 released, 0 not (the intent is gone or held by another owner or epoch)
]]
local held = redis.call('HMGET', KEYS[1], 'owner', 'epoch')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'lease_until', '0')
return 1
