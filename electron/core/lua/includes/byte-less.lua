-- byteLess(a, b): whether string a sorts before b by their bytes. Lua's `<` on strings follows the
-- collation Redis takes from its environment (under en_US.UTF-8, 'a' sorts before 'B'), so a sort
-- that must agree with the TypeScript's byte order compares with this.
local function byteLess(a, b)
  local byte = string.byte
  local n = #a < #b and #a or #b
  local i = 1
  while i <= n and byte(a, i) == byte(b, i) do i = i + 1 end
  if i > n then return #a < #b end
  return byte(a, i) < byte(b, i)
end
