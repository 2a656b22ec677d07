-- timeBox(budgetUs): a function overBudget(i) that is true once the script has run budgetUs
-- microseconds (wall clock, read with TIME every 4th item; never before the first item is done).
-- A budget of 0 never runs out.
local function timeBox(budgetUs)
  local t = redis.call('TIME')
  local startUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
  return function(i)
    if budgetUs <= 0 or i == 1 or i % 4 ~= 1 then return false end
    local now = redis.call('TIME')
    return tonumber(now[1]) * 1000000 + tonumber(now[2]) - startUs >= budgetUs
  end
end
