-- timeBox(budgetUs): a function overBudget(i, weight) that is true once the script has run
-- budgetUs microseconds (wall clock). TIME is read once the work since the last read reaches 16
-- units, counting each item as one unit plus one per 4 KiB it weighed (weight: bytes of the item
-- just done): every 10 or so ordinary jobs, right after a heavy one, so no run of items slips far
-- past the budget between two reads. Never true before the first item is done; a budget of 0
-- never runs out.
local function timeBox(budgetUs)
  local t = redis.call('TIME')
  local startUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local work = 0
  return function(i, weight)
    work = work + 1 + (weight or 0) / 4096
    if budgetUs <= 0 or i == 1 or work < 16 then return false end
    work = 0
    local now = redis.call('TIME')
    return tonumber(now[1]) * 1000000 + tonumber(now[2]) - startUs >= budgetUs
  end
end
