-- wrk script: POST /phone-number with a fresh number on every request (numbers are unique per
-- org, so each request must carry its own). Environment: SB_API_KEY, SB_CREDENTIAL_ID (a
-- byo-sip-trunk credential of the org: the server checks the id).
local counter = 0
local key = os.getenv("SB_API_KEY")
local credential = os.getenv("SB_CREDENTIAL_ID") or error("SB_CREDENTIAL_ID must be set")
local prefix = os.getenv("SB_NUMBER_PREFIX") or "1650"

request = function()
  counter = counter + 1
  local body = string.format(
    '{"provider":"byo-phone-number","credentialId":"%s",' ..
    '"name":"bench %d","number":"+%s%07d","server":{"url":"https://example.com/hook",' ..
    '"timeoutSeconds":20}}', credential, counter, prefix, counter)
  return wrk.format("POST", "/phone-number",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end

-- Count non-201 answers so a failing create can't pass as throughput.
local failures = 0
response = function(status, headers, body)
  if status ~= 201 then failures = failures + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("non-201 responses: %d\n", summary.errors.status))
end
