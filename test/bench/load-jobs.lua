#!lua
--[[
  Benchmark fixture (not a core script): writes a range of synthetic jobs straight into Redis in
  the shape enqueue.lua gives them, so a million jobs load in seconds instead of minutes.
  Job i has id "bench-{i}", workspace "ws-{i % workspaces}". Keys are built here, single Redis only.

  Input:
    KEYS: none

    ARGV[1] first job number
    ARGV[2] how many jobs
    ARGV[3] number of workspaces
    ARGV[4] enqueued_at (ISO-8601) for every job of the call
    ARGV[5] enqueue score (ms) for the index
    ARGV[6] "1" to write the new copy too (dual-write on), else "0"
    ARGV[7] push every n-th job id onto ai:queue:pending (0 = none)
    ARGV[8] "issue" for issue 15's shape: params of about 60 bytes, so every value fits a
            listpack and Redis keeps each job as one compact hash; else about 100 bytes (a hash
            table per job)

  Output:
    number of jobs written
]]
local first, count, workspaces = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local enqueuedAt, score, dual, queueEvery = ARGV[4], ARGV[5], ARGV[6] == '1', tonumber(ARGV[7])
local compact = ARGV[8] == 'issue'
local queued = {}
for i = first, first + count - 1 do
  local id = 'bench-' .. i
  local ws = 'ws-' .. (i % workspaces)
  local fields = { 'job_id', id, 'status', 'completed', 'action_provider', 'google',
    'action_name', 'gmail.send', 'params',
    compact and ('{"to":"u' .. i .. '@example.com","subject":"Weekly","n":' .. i .. '}')
      or ('{"to":"user' .. i .. '@example.com","subject":"Weekly report","body":"Numbers for the week, attached","n":' .. i .. '}'),
    'workspace_id', ws, 'actor_id', 'user-' .. (i % 997), 'result', '{"message_id":"m-' .. i .. '","ok":true}',
    'enqueued_at', enqueuedAt, 'started_at', enqueuedAt, 'finished_at', enqueuedAt }
  redis.call('HSET', 'ai:jobs:' .. id, unpack(fields))
  if dual then redis.call('HSET', 'ai:job:' .. ws .. ':' .. id, unpack(fields)) end
  redis.call('ZADD', 'ai:qs:idx:' .. ws, score, id)
  if queueEvery > 0 and i % queueEvery == 0 then queued[#queued + 1] = id end
end
if #queued > 0 then redis.call('RPUSH', 'ai:queue:pending', unpack(queued)) end
return count
