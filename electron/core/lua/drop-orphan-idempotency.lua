#!lua
--[[
  Delete an idempotency key that points to a job missing from both schemas, only if it still holds
  the id the check saw and the job is still missing (compare-and-set).

  Input:
    KEYS[1] idempotency   ai:idempotency:{workspace_id}:{client_request_id}
    KEYS[2] old           ai:jobs:{job_id}
    KEYS[3] new           ai:job:{workspace_id}:{job_id}

    ARGV[1] the job id the key held when checked

  Output:
    { 1 }            deleted
    { 0, reason }    skipped: 'changed' (the key or a job copy changed since the check)
]]
local idemKey, oldKey, newKey = KEYS[1], KEYS[2], KEYS[3]
local t = redis.call('TYPE', idemKey).ok
if t ~= 'string' then return { 0, 'changed' } end
if redis.call('GET', idemKey) ~= ARGV[1] then return { 0, 'changed' } end
if redis.call('EXISTS', oldKey) == 1 or redis.call('EXISTS', newKey) == 1 then return { 0, 'changed' } end
redis.call('DEL', idemKey)
return { 1 }
