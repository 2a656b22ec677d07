#!lua
--[[
  File jobs that other producers wrote into their workspace's index, each only while the job key
  that was read still exists: a job deleted since it was read is not filed, so an index never
  names a job that is gone. ZADD NX keeps the score of a job already indexed.

  Input:
    KEYS[1] workspaces       ai:qs:workspaces (set of workspace ids)
    Then two keys per job i = 0..n-1, from KEYS[2 + 2i]:
    KEYS[2+2i] job           ai:jobs:{job_id} or ai:job:{workspace_id}:{job_id}, the key read
    KEYS[3+2i] index         ai:qs:idx:{workspace_id} (zset job_id by enqueue time)

    Three values per job, from ARGV[1 + 3i]:
    ARGV[1+3i] job id
    ARGV[2+3i] score: the enqueue time in ms
    ARGV[3+3i] workspace id

  Output:
    one number per job: 1 filed now, 0 already in its index, -1 gone (not filed)
]]
local out = {}
local n = (#KEYS - 1) / 2
for i = 0, n - 1 do
  local jobKey, indexKey = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  local id, score, ws = ARGV[1 + 3 * i], ARGV[2 + 3 * i], ARGV[3 + 3 * i]
  if redis.call('EXISTS', jobKey) == 0 then
    out[#out + 1] = -1
  else
    out[#out + 1] = redis.call('ZADD', indexKey, 'NX', score, id)
    redis.call('SADD', KEYS[1], ws)
  end
end
return out
