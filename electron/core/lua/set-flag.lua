#!lua
--[[
  Set the migration flag and record the change in the flag history, stamped with Redis's own
  clock (TIME) in the same atomic step, so every console dates flips on one clock: a console
  whose clock is off cannot misdate a flip, nor order it before or after another console's.

  Input:
    KEYS[1] flag      ai:flags:new_schema
    KEYS[2] history   ai:qs:flag:history (sorted set, member "{value}:{ms}", score ms)

    ARGV[1] value ("on" / "off")
    ARGV[2] how many changes the history keeps (older ones are trimmed)

  Output:
    { 1, ms }                     set; ms is the Redis time of the change (ms since the epoch)
    { -1, key }                   wrong type at key; nothing written
]]
local rcall = redis.call
local flagKey, historyKey = KEYS[1], KEYS[2]
local value, keep = ARGV[1], tonumber(ARGV[2])

local tFlag, tHistory = rcall('TYPE', flagKey).ok, rcall('TYPE', historyKey).ok
if tFlag ~= 'none' and tFlag ~= 'string' then return { -1, flagKey } end
if tHistory ~= 'none' and tHistory ~= 'zset' then return { -1, historyKey } end

-- Built as text from TIME's two parts so the stamp never passes through a rounded number.
local time = rcall('TIME')
local ms = time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))

rcall('SET', flagKey, value)
rcall('ZADD', historyKey, ms, value .. ':' .. ms)
rcall('ZREMRANGEBYRANK', historyKey, 0, -keep - 1)
return { 1, tonumber(ms) }
