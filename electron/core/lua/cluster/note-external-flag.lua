#!lua
--[[
  Record a flag change made outside Queuescope on a Redis Cluster, in the flag's slot (docs/
  topologies.md "Cluster writes"): as note-external-flag.lua, the first host whose call finds the
  flag differing from the history's last entry writes the history entry, stamped with the flag
  node's TIME, and is told so; every later host finds the history in step and writes nothing. The
  audit stream lies in another slot: the host told it recorded the change appends the audit entry.

  Input:
    KEYS[1] flag      ai:flags:new_schema
    KEYS[2] history   ai:qs:flag:history:{tag} (sorted set, member "{value}:{ms}", score ms; tag =
                      the flag's slot)

    ARGV[1] the flag's value while its key is absent ("on" / "off", from AI_JOBS_NEW_SCHEMA)
    ARGV[2] how many changes the history keeps (older ones are trimmed)

  Output:
    { 1, value, ms }              recorded: history "{value}:{ms}"; the caller appends the audit
    { 0, value }                  nothing to record: the history already ends with value
    { -1, key }                   wrong type at key; nothing written
]]
local rcall = redis.call
local flagKey, historyKey = KEYS[1], KEYS[2]
local default, keep = ARGV[1], tonumber(ARGV[2])

local tFlag, tHistory = rcall('TYPE', flagKey).ok, rcall('TYPE', historyKey).ok
if tFlag ~= 'none' and tFlag ~= 'string' then return { -1, flagKey } end
if tHistory ~= 'none' and tHistory ~= 'zset' then return { -1, historyKey } end

local raw = rcall('GET', flagKey)
local value = default
if raw then value = (raw == 'on') and 'on' or 'off' end

local last = rcall('ZREVRANGE', historyKey, 0, 0)[1]
if last and string.match(last, '^(%a+):') == value then return { 0, value } end

local time = rcall('TIME')
local ms = time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))
rcall('ZADD', historyKey, ms, value .. ':' .. ms)
rcall('ZREMRANGEBYRANK', historyKey, 0, -keep - 1)
return { 1, value, tonumber(ms) }
