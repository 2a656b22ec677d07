#!lua
--[[
  Cluster enqueue, recovery (docs/topologies.md "Cluster enqueue"): takes over an intent whose
  lease has run out, with a new owner and the next epoch, so the taker can finish the call from
  what the intent holds. A live intent is left to its owner.

  Input:
    KEYS[1] intent   ai:qs:enq:intent:{tag}:…

    ARGV[1] new owner   ARGV[2] lease, ms

  Output:
    { "gone" }                    no intent: the call committed or was rolled back
    { "live", ms_left }           the owner's lease still runs
    { "t", field, value, … }      taken over: the intent's fields (epoch and owner already new)
    { "x", key }                  wrong type
]]
local key = KEYS[1]
local kind = redis.call('TYPE', key).ok
if kind == 'none' then return { 'gone' } end
if kind ~= 'hash' then return { 'x', key } end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local left = (tonumber(redis.call('HGET', key, 'lease_until')) or 0) - now
if left > 0 then return { 'live', tostring(left) } end
redis.call('HINCRBY', key, 'epoch', 1)
redis.call('HSET', key, 'owner', ARGV[1], 'lease_until', tostring(now + tonumber(ARGV[2])))
local out = { 't' }
for _, v in ipairs(redis.call('HGETALL', key)) do out[#out + 1] = v end
return out
