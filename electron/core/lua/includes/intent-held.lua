-- heldIntent(intentKey, now): the answer to a call whose job another call is enqueueing, from the
-- intent hash that call wrote ({ 'p', job_id, ms_left until its lease ends }); { 'x', key } when the
-- key holds another type; nil when no call holds it.
local function heldIntent(intentKey, now)
  local intentType = redis.call('TYPE', intentKey).ok
  if intentType == 'hash' then
    local held = redis.call('HMGET', intentKey, 'job_id', 'lease_until')
    return { 'p', held[1] or '', tostring((tonumber(held[2]) or 0) - now) }
  end
  if intentType ~= 'none' then return { 'x', intentKey } end
  return nil
end
