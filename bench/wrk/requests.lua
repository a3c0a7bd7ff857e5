-- wrk script: cycle through the requests in a file and report JSON on one line.
--
--   wrk -s bench/wrk/requests.lua URL -- REQUESTS_FILE
--
-- Each line of REQUESTS_FILE is METHOD<TAB>PATH<TAB>COOKIE<TAB>CSRF<TAB>BODY<TAB>HEADERS (BODY
-- urlencoded; HEADERS as "Name: value|Name: value"; any field may be empty). Each thread
-- starts at a random line, so connections do not move in lockstep.
-- Responses are counted by status class, so a 5xx is never hidden among expected 4xx.

local requests = {}
local counter = 0
statuses = {}

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
  return fields
end

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    if line ~= "" then
      local f = split(line)
      local headers = {}
      if f[3] ~= "" then headers["Cookie"] = f[3] end
      if f[4] ~= "" then headers["X-CSRFToken"] = f[4] end
      local body = nil
      if f[5] ~= nil and f[5] ~= "" then
        body = f[5]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      end
      if f[6] ~= nil and f[6] ~= "" then
        for pair in (f[6] .. "|"):gmatch("([^|]*)|") do
          local name, value = pair:match("^([^:]+): (.*)$")
          if name then headers[name] = value end
        end
      end
      requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
    end
  end
  counter = math.random(#requests) - 1
  statuses = {}
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests_)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for k, v in pairs(s) do counts[k] = (counts[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(counts) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    table.concat(parts, ", ")))
end
