-- wrk script: GET /phone-number?limit=100 with a createdAtGe bound that differs on every
-- request (and still matches every number), so no response comes from the cache: each one
-- is a SQL query on a reader thread.
local n = 0
request = function()
  n = n + 1
  local path = string.format(
    "/phone-number?limit=100&createdAtGe=2000-01-%02dT%02d:%02d:%02d.%03dZ",
    1 + math.floor(n / 86400000) % 28, math.floor(n / 3600000) % 24,
    math.floor(n / 60000) % 60, math.floor(n / 1000) % 60, n % 1000)
  return wrk.format("GET", path)
end
