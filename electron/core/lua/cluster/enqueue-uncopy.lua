#!lua
--[[
  Cluster enqueue, rollback of a copy (docs/topologies.md "Cluster enqueue"): deletes the copy
  only while it is still this job's (the fields enqueue-copy.lua compares) and still pending, so
  a rollback never removes another job, nor a job a worker has started.

  Input:
    KEYS[1] copy   ai:jobs:{job_id} or ai:job:{workspace_id}:{job_id}

    ARGV[1..7] job_id, workspace_id, action_provider, action_name, params, actor_id, enqueued_at

  Output:
    1 deleted, 0 left (absent, another job's, or no longer pending)
]]
local key = KEYS[1]
if redis.call('TYPE', key).ok ~= 'hash' then return 0 end
local have = redis.call('HMGET', key, 'job_id', 'workspace_id', 'action_provider', 'action_name',
  'params', 'actor_id', 'enqueued_at', 'status')
for i = 1, 7 do
  if have[i] ~= ARGV[i] then return 0 end
end
if have[8] ~= 'pending' then return 0 end
redis.call('DEL', key)
return 1
