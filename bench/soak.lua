-- wrk script for the soak: a mixed workload over the seeded numbers, paced by delay().
--   70 % GET /phone-number/{id}      10 % GET /phone-number?limit=20 (half of them uncached)
--   18 % PATCH /phone-number/{id}     2 % POST /phone-number
-- Environment: SB_API_KEY, SB_IDS_FILE (one id per line), SB_CREDENTIAL_ID (the byo-sip-trunk
-- credential created numbers name), SB_DELAY_MS (pause per connection between requests; 0 =
-- flat out), SB_WINDOW (a digit that keeps created numbers unique across consecutive runs).
local ids = {}
local key = os.getenv("SB_API_KEY")
local credential = os.getenv("SB_CREDENTIAL_ID") or error("SB_CREDENTIAL_ID must be set")
local pause = tonumber(os.getenv("SB_DELAY_MS") or "0")
local window = os.getenv("SB_WINDOW") or "0"
local n = 0

function init(args)
  for line in io.lines(os.getenv("SB_IDS_FILE")) do ids[#ids + 1] = line end
  math.randomseed(os.time())
end

local function auth(extra)
  local h = { ["Authorization"] = "Bearer " .. key }
  if extra then h["Content-Type"] = "application/json" end
  return h
end

request = function()
  n = n + 1
  local r = math.random()
  local id = ids[math.random(#ids)]
  if r < 0.70 then
    return wrk.format("GET", "/phone-number/" .. id, auth())
  elseif r < 0.80 then
    local path = "/phone-number?limit=20"
    if r < 0.75 then path = path .. string.format("&createdAtGe=2000-01-01T00:00:00.%03dZ", n % 1000) end
    return wrk.format("GET", path, auth())
  elseif r < 0.98 then
    return wrk.format("PATCH", "/phone-number/" .. id, auth(true),
      string.format('{"name":"soak %d"}', n))
  else
    return wrk.format("POST", "/phone-number", auth(true), string.format(
      '{"provider":"byo-phone-number","credentialId":"%s","number":"+1%s%09d","name":"soak"}',
      credential, window, n))
  end
end

delay = function()
  return pause
end
