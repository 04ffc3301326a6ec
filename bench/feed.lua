-- wrk script of bench/feed.py: paced requests with rotating bearer tokens and feed pages.
-- Environment: FEED_TOKENS and FEED_PATHS (files, one per line), FEED_INTERVAL_MS (each
-- connection's mean delay between an answer and its next request), FEED_OPENING (the
-- connections per thread: wrk sends their first requests at once, unpaced, so those
-- are /healthz, or the opening burst would be measured as the feed's tail).
local tokens, paths = {}, {}
local interval = tonumber(os.getenv("FEED_INTERVAL_MS") or "100")
local opening = tonumber(os.getenv("FEED_OPENING") or "0")
local counter = 0
local sent = 0
local started = 0

local function lines(name)
  local out = {}
  for line in io.lines(name) do
    if #line > 0 then out[#out + 1] = line end
  end
  return out
end

function setup(thread)
  started = started + 1
  thread:set("thread_id", started)
end

function init(args)
  tokens = lines(os.getenv("FEED_TOKENS"))
  paths = lines(os.getenv("FEED_PATHS"))
  math.randomseed(thread_id * 7919)
  counter = thread_id * 17
end

-- Jittered around the interval, so connections do not fire in step.
function delay()
  return interval * (0.5 + math.random())
end

function request()
  sent = sent + 1
  if sent <= opening then
    return wrk.format("GET", "/healthz")
  end
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"non_2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, e.status,
    e.connect + e.read + e.write + e.timeout))
end
