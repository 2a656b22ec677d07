#!lua flags=no-writes
--[[
  Reads one key for the divergence check on a Redis Cluster (docs/topologies.md "Divergence check
  on a cluster"). The standalone compare scripts name both copies of many jobs, which fall in many
  slots; on a cluster each key is read on its own by this script and the copies are compared in
  the process, by the same equality rule. A script (not a plain command) so that the Cluster client
  sends it on its own and follows MOVED and ASK while a resharding moves its slot. A hash too big
  to read within one bounded call (ARGV[1] fields or ARGV[2] bytes) is not read: the caller reads
  it in HSCAN steps.

  Input:
    KEYS[1] key   a job copy (ai:jobs:{id}, ai:job:{ws}:{id}) or an idempotency key

    ARGV[1] most fields of a hash read here
    ARGV[2] most bytes (MEMORY USAGE) of a hash read here
    ARGV[3] "hash": the whole hash; "peek": only its workspace_id (a string: its value)

  Output:
    { "none" }                               no such key
    { "type", type }                         another Redis type (for "hash"; "peek" reads strings)
    { "string", value }                      "peek" of a string
    { "peek", has_ws ("1"/"0"), workspace_id }  "peek" of a hash
    { "large", workspace_id, enqueued_at }   "hash" of a hash too big to read here
    { "hash", field1, value1, ... }          the whole hash
]]
local key = KEYS[1]
local maxFields, maxBytes, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]

-- @include size-gate

local t = redis.call('TYPE', key).ok
if t == 'none' then return { 'none' } end
if mode == 'peek' and t == 'string' then return { 'string', redis.call('GET', key) } end
if t ~= 'hash' then return { 'type', t } end
if mode == 'peek' then
  local ws = redis.call('HGET', key, 'workspace_id')
  if ws then return { 'peek', '1', ws } end
  return { 'peek', '0', '' }
end
if heavy(key, redis.call('HLEN', key), maxFields, maxBytes) then
  return { 'large', redis.call('HGET', key, 'workspace_id') or '',
    redis.call('HGET', key, 'enqueued_at') or '' }
end
local out = redis.call('HGETALL', key)
table.insert(out, 1, 'hash')
return out
