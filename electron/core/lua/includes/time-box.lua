-- timeBox(budgetUs): a function overBudget(i, weight) that is true once the script has run
-- budgetUs microseconds (wall clock). TIME is read every 4th item, or sooner once the items since
-- the last read weigh 64 KiB (weight: bytes of the item just done), so a run of heavy items cannot
-- slip past the budget between two reads. Never true before the first item is done; a budget of 0
-- never runs out.
local function timeBox(budgetUs)
  local t = redis.call('TIME')
  local startUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local carried = 0
  return function(i, weight)
    carried = carried + (weight or 0)
    if budgetUs <= 0 or i == 1 or (i % 4 ~= 1 and carried < 65536) then return false end
    carried = 0
    local now = redis.call('TIME')
    return tonumber(now[1]) * 1000000 + tonumber(now[2]) - startUs >= budgetUs
  end
end
