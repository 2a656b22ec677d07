#!lua
--[[
  Record a flag change made outside Queuescope (redis-cli, another tool) exactly once, whichever
  host saw it first. Queuescope's own set-flag script writes the flag and its history entry in one
  step, so a flag whose value differs from the history's last entry was changed by someone else
  and nobody has recorded it yet. The first host to run this writes the history entry (stamped
  with Redis TIME, like set-flag) and one audit entry; every later host then finds the history in
  step and writes nothing.

  Input:
    KEYS[1] flag      ai:flags:new_schema
    KEYS[2] history   ai:qs:flag:history (sorted set, member "{value}:{ms}", score ms)
    KEYS[3] audit     ai:qs:audit (stream)

    ARGV[1] the flag's value while its key is absent ("on" / "off", from AI_JOBS_NEW_SCHEMA)
    ARGV[2] how many changes the history keeps (older ones are trimmed)
    ARGV[3] the audit stream's approximate cap (XADD MAXLEN ~)
    ARGV[4] the audit actor, "external (seen by host ...)"
    ARGV[5] when the host saw the change, ISO-8601 (the audit entry's time field)

  Output:
    { 1, value, ms }              recorded: history "{value}:{ms}" and one audit entry
    { 0, value }                  nothing to record: the history already ends with value
    { -1, key }                   wrong type at key; nothing written
]]
local rcall = redis.call
local flagKey, historyKey, auditKey = KEYS[1], KEYS[2], KEYS[3]
local default, keep, auditCap, actor, seenAt = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]

local tFlag, tHistory, tAudit =
  rcall('TYPE', flagKey).ok, rcall('TYPE', historyKey).ok, rcall('TYPE', auditKey).ok
if tFlag ~= 'none' and tFlag ~= 'string' then return { -1, flagKey } end
if tHistory ~= 'none' and tHistory ~= 'zset' then return { -1, historyKey } end
if tAudit ~= 'none' and tAudit ~= 'stream' then return { -1, auditKey } end

local raw = rcall('GET', flagKey)
local value = default
if raw then value = (raw == 'on') and 'on' or 'off' end

local last = rcall('ZREVRANGE', historyKey, 0, 0)[1]
if last and string.match(last, '^(%a+):') == value then return { 0, value } end

local time = rcall('TIME')
local ms = time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))
rcall('ZADD', historyKey, ms, value .. ':' .. ms)
rcall('ZREMRANGEBYRANK', historyKey, 0, -keep - 1)
rcall('XADD', auditKey, 'MAXLEN', '~', auditCap, '*',
  'time', seenAt,
  'actor', actor,
  'operation', 'setFlag',
  'target', 'new_schema=' .. value,
  'outcome', 'ok',
  'details', 'changed outside Queuescope (not through its set-flag); recorded once, by the first host that saw it; history stamped ' .. ms)
return { 1, value, tonumber(ms) }
