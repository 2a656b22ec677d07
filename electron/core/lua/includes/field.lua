-- field(flat, name): one field's value from an HGETALL reply, or nil.
local function field(flat, name)
  for i = 1, #flat, 2 do
    if flat[i] == name then return flat[i + 1] end
  end
  return nil
end
