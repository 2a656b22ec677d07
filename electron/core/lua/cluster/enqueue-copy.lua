#!lua
--[[
  Cluster enqueue, the old or the new copy (docs/topologies.md "Cluster enqueue"): created when
  absent; left as it is when it is this job's copy already (a replayed step, or a worker has
  since changed its status); refused as a conflict when it is another job's. "This job's" means
  the fields no worker changes are equal: job_id, workspace_id, action_provider, action_name,
  params, actor_id and enqueued_at (to the millisecond).

  Input:
    KEYS[1] copy   ai:jobs:{job_id} or ai:job:{workspace_id}:{job_id}

    ARGV[1..7] job_id, workspace_id, action_provider, action_name, params, actor_id, enqueued_at

  Output:
    "created" | "ours" | { "c", key } (conflict, nothing written) | { "x", key } (wrong type)
]]
local key = KEYS[1]
local kind = redis.call('TYPE', key).ok
if kind == 'none' then
  redis.call('HSET', key, 'job_id', ARGV[1], 'status', 'pending', 'action_provider', ARGV[3],
    'action_name', ARGV[4], 'params', ARGV[5], 'workspace_id', ARGV[2], 'actor_id', ARGV[6],
    'result', '', 'enqueued_at', ARGV[7])
  return 'created'
end
if kind ~= 'hash' then return { 'x', key } end
local have = redis.call('HMGET', key, 'job_id', 'workspace_id', 'action_provider', 'action_name',
  'params', 'actor_id', 'enqueued_at')
for i = 1, 7 do
  if have[i] ~= ARGV[i] then return { 'c', key } end
end
return 'ours'
