-- wrk script: POST /session for one assistant, so every request enqueues one server message
-- (session.created) to the assistant's server. Environment: SB_API_KEY, SB_ASSISTANT_ID.
local key = os.getenv("SB_API_KEY")
local assistant = os.getenv("SB_ASSISTANT_ID") or error("SB_ASSISTANT_ID must be set")
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format('{"name":"bench %d","assistantId":"%s"}', counter, assistant)
  return wrk.format("POST", "/session",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx responses: %d\n", summary.errors.status))
end
