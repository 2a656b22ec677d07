-- @include byte-less
-- sameValue(a, b): whether two copies of one job field are equal (nil is an absent field), by the
-- rule of docs/guarantees.md, "Equality of two copies": equal bytes, or two strict JSON texts
-- (RFC 8259) denoting the same JSON value. Objects compare by key set and values (the last of
-- duplicate keys wins), arrays by order, strings after unescaping, numbers by exact decimal value
-- (1.0 = 1e0 = 1, but never through a double, so big integers keep every digit); {} ~= [],
-- null ~= "" ~= absent, true ~= 1. Text that is not JSON (NaN, trailing commas...) compares by
-- bytes.
-- electron/core/equality.ts is the same rule in TypeScript; test/fixtures/equality-cases.json runs
-- through both, so the two change together.
--
-- Both turn a text into one canonical text: keys sorted by their bytes, strings unescaped (a lone
-- surrogate escape as 3-byte generalised UTF-8, as the TypeScript keeps it as one UTF-16 unit),
-- numbers as sign, significant digits, 'e' and exponent. The parser keeps its own stack rather than
-- recursing, so nesting depth has no limit, and joins pieces with table.concat, never in a loop.
-- The helpers live in a block of their own: the including script sees only canonicalJson and
-- sameValue, so none of their names can clash with the script's own. Keys sort with byteLess, as
-- Lua's < follows the server's collation.
local canonicalJson
do
  local byte, char, sub, find = string.byte, string.char, string.sub, string.find
  local gsub, rep, format, reverse = string.gsub, string.rep, string.format, string.reverse
  local floor, concat, sort = math.floor, table.concat, table.sort

  local SIMPLE_ESCAPES = {
    [34] = '"', [92] = '\\', [47] = '/', [98] = '\b',
    [102] = '\f', [110] = '\n', [114] = '\r', [116] = '\t',
  }
  local LITERALS = { [116] = 'true', [102] = 'false', [110] = 'null' }
  local STRING_STOP = '[%z\1-\31"\\]'

  local function skipWhitespace(s, pos)
    local c = byte(s, pos)
    if c ~= 32 and c ~= 10 and c ~= 13 and c ~= 9 then return pos end
    local _, last = find(s, '^[ \t\n\r]*', pos)
    return last + 1
  end

  local function utf8(cp)
    if cp < 0x80 then return char(cp) end
    if cp < 0x800 then return char(0xC0 + floor(cp / 0x40), 0x80 + cp % 0x40) end
    if cp < 0x10000 then
      return char(0xE0 + floor(cp / 0x1000), 0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
    end
    return char(0xF0 + floor(cp / 0x40000), 0x80 + floor(cp / 0x1000) % 0x40,
      0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
  end

  local function hex4(s, i)
    local hex = sub(s, i, i + 3)
    return find(hex, '^%x%x%x%x$') and tonumber(hex, 16)
  end

  -- The code point of the \uXXXX escape at i (a pair of escapes makes one), and the position after.
  local function unicodeEscape(s, i)
    local cp, after = hex4(s, i + 2), i + 6
    if cp and cp >= 0xD800 and cp < 0xDC00 and sub(s, after, after + 1) == '\\u' then
      local low = hex4(s, after + 2)
      if low and low >= 0xDC00 and low < 0xE000 then
        return 0x10000 + (cp - 0xD800) * 0x400 + (low - 0xDC00), after + 6
      end
    end
    return cp, after
  end

  -- The unescaped string whose opening quote is at pos, and the position after its closing quote.
  local function readString(s, pos)
    local from = pos + 1
    local i = find(s, STRING_STOP, from)
    if i and byte(s, i) == 34 then return sub(s, from, i - 1), i + 1 end
    local parts, n = {}, 0
    while i do
      local c = byte(s, i)
      n = n + 1
      parts[n] = sub(s, from, i - 1)
      if c == 34 then return concat(parts, '', 1, n), i + 1 end
      if c ~= 92 then return nil end
      local escape = byte(s, i + 1)
      n = n + 1
      if SIMPLE_ESCAPES[escape] then
        parts[n], from = SIMPLE_ESCAPES[escape], i + 2
      elseif escape == 117 then
        local cp, after = unicodeEscape(s, i)
        if not cp then return nil end
        parts[n], from = utf8(cp), after
      else
        return nil
      end
      i = find(s, STRING_STOP, from)
    end
    return nil
  end

  local function quote(str)
    if find(str, '["\\]') then str = gsub(str, '["\\]', '\\%0') end
    return '"' .. str .. '"'
  end

  -- A decimal string plus or minus one; carries and borrows run through 9s and 0s.
  local function step(digits, by)
    local edge, wrap = by > 0 and 57 or 48, by > 0 and '0' or '9'
    local i = #digits
    while i > 0 and byte(digits, i) == edge do i = i - 1 end
    if i == 0 then return '1' .. rep(wrap, #digits) end
    return sub(digits, 1, i - 1) .. char(byte(digits, i) + by) .. rep(wrap, #digits - i)
  end

  -- The exponent sign * digits + shift as text. Up to 15 digits is an integer below 2^53, exact as
  -- a Lua number; a longer one is at least 10^15, far beyond |shift| (a text's length), so only
  -- its last 15 digits change, with at most a carry or borrow into the rest.
  local function exponent(sign, digits, shift)
    local first = find(digits, '[1-9]')
    if not first then return format('%d', shift) end
    digits = sub(digits, first)
    if #digits <= 15 then
      return format('%d', (sign == '-' and -1 or 1) * tonumber(digits) + shift)
    end
    if sign == '-' then shift = -shift end
    local high, low = sub(digits, 1, -16), tonumber(sub(digits, -15)) + shift
    if low >= 1e15 then high, low = step(high, 1), low - 1e15
    elseif low < 0 then high, low = step(high, -1), low + 1e15 end
    local text = high .. format('%015d', low)
    return (sign == '-' and '-' or '') .. sub(text, (find(text, '[1-9]')))
  end

  -- The number at pos by its exact value: digits without leading or trailing zeros, 'e', exponent.
  local function readNumber(s, pos)
    local _, last, sign, int = find(s, '^(%-?)(%d+)', pos)
    if not last or (#int > 1 and byte(int) == 48) then return nil end
    local after = byte(s, last + 1)
    if after ~= 46 and after ~= 101 and after ~= 69 and byte(int, -1) ~= 48 then
      return sign .. int .. 'e0', last + 1 -- an integer without trailing zeros, the common case
    end
    local frac, expSign, expDigits = '', '', '0'
    local _, fracLast, f = find(s, '^%.(%d+)', last + 1)
    if fracLast then frac, last = f, fracLast end
    local _, expLast, es, ed = find(s, '^[eE]([%+%-]?)(%d+)', last + 1)
    if expLast then expSign, expDigits, last = es, ed, expLast end
    local digits = int .. frac
    local lead = find(digits, '[1-9]')
    if not lead then return '0', last + 1 end
    local trailing = find(reverse(digits), '[1-9]') - 1
    local e = exponent(expSign, expDigits, trailing - #frac)
    return sign .. sub(digits, lead, #digits - trailing) .. 'e' .. e, last + 1
  end

  local function readScalar(s, pos)
    local c = byte(s, pos)
    if c == 34 then
      local str, after = readString(s, pos)
      if not str then return nil end
      return quote(str), after
    end
    local literal = LITERALS[c]
    if literal then
      if sub(s, pos, pos + #literal - 1) ~= literal then return nil end
      return literal, pos + #literal
    end
    return readNumber(s, pos)
  end

  -- Reads '"key" :' into an object frame; returns where its value starts.
  local function readKey(s, pos, frame)
    if byte(s, pos) ~= 34 then return nil end
    local key, after = readString(s, pos)
    if not key then return nil end
    after = skipWhitespace(s, after)
    if byte(s, after) ~= 58 then return nil end
    frame.key = key
    return skipWhitespace(s, after + 1)
  end

  local function add(frame, value)
    if frame.close == 93 then
      local n = frame.n
      if n > 1 then n = n + 1; frame[n] = ',' end
      frame[n + 1], frame.n = value, n + 1
    else
      local key = frame.key
      if frame.values[key] == nil then frame.keys[#frame.keys + 1] = key end
      frame.values[key] = value
    end
  end

  -- A closed container as one piece list: an array frame is its own, an object's is built sorted.
  local function close(frame)
    if frame.close == 93 then
      frame.n = frame.n + 1
      frame[frame.n] = ']'
      return frame
    end
    local keys, values = frame.keys, frame.values
    sort(keys, byteLess)
    local out, n = { '{' }, 1
    for i = 1, #keys do
      out[n + 1], out[n + 2], out[n + 3], out[n + 4] = quote(keys[i]), ':', values[keys[i]], ','
      n = n + 4
    end
    out[n] = '}'
    out.n = n
    return out
  end

  -- Joins a tree of piece lists once, walking it with a stack so depth costs no recursion.
  local function flatten(root)
    if type(root) == 'string' then return root end
    local out, n = {}, 0
    local lists, next, top = { root }, { 1 }, 1
    while top > 0 do
      local list, i = lists[top], next[top]
      if i > list.n then
        top = top - 1
      else
        next[top] = i + 1
        local piece = list[i]
        if type(piece) == 'string' then
          n = n + 1
          out[n] = piece
        else
          top = top + 1
          lists[top], next[top] = piece, 1
        end
      end
    end
    return concat(out, '', 1, n)
  end

  -- Opens the array or object at pos: its text when empty, else a frame on the stack.
  local function open(s, pos, stack)
    local c = byte(s, pos)
    local inner = skipWhitespace(s, pos + 1)
    if byte(s, inner) == c + 2 then return (c == 123 and '{}' or '[]'), inner + 1 end
    if c == 91 then
      stack[#stack + 1] = { '[', close = 93, n = 1 }
      return nil, inner
    end
    local frame = { close = 125, keys = {}, values = {} }
    stack[#stack + 1] = frame
    return nil, readKey(s, inner, frame)
  end

  canonicalJson = function(s)
    local stack = {}
    local pos = skipWhitespace(s, 1)
    while true do
      local c, value = byte(s, pos), nil
      if c == 123 or c == 91 then
        value, pos = open(s, pos, stack)
      else
        value, pos = readScalar(s, pos)
        if not value then return nil end
      end
      if not pos then return nil end
      -- A value is complete: hand it to its container, closing every container that ends here.
      while value do
        pos = skipWhitespace(s, pos)
        local top = #stack
        if top == 0 then
          if pos <= #s then return nil end
          return flatten(value)
        end
        local frame = stack[top]
        add(frame, value)
        local d = byte(s, pos)
        if d == 44 then
          pos = skipWhitespace(s, pos + 1)
          if frame.close == 125 then
            pos = readKey(s, pos, frame)
            if not pos then return nil end
          end
          value = nil
        elseif d == frame.close then
          pos = pos + 1
          stack[top] = nil
          value = close(frame)
        else
          return nil
        end
      end
    end
  end
end

local function sameValue(a, b)
  if a == b then return true end
  if a == nil or b == nil then return false end
  local canonical = canonicalJson(a)
  return canonical ~= nil and canonical == canonicalJson(b)
end
