-- wrk script for `make bench-serve`: single wire-format events, each with its own id,
-- stamped now, from 20,000 members of 40 groups, with a mix of messages: mostly
-- ordinary chat (each text numbered, so the flood rule sees no copies), FAQ
-- questions that get a reply, and one advert in ten, which is deleted and guided.
--
-- With BATCH set, each request carries that many events as an array (the RESULT line's
-- events= figure counts them).
--
-- PACE_MS (environment): milliseconds each connection waits between requests
-- (0: as fast as the server answers).

local texts = {
  "鱼油多少钱一瓶呀？第%d次问",
  "今天天气不错，大家早上好 %d",
  "收到货了，包装很仔细，谢谢客服 %d",
  "高价回收茅台，加V：abc%d",
  "请问什么时候发货？订单%d",
  "晚上有直播吗 %d",
  "昨天买的维E已经到了，第%d单",
  "群里的活动什么时候开始 %d",
  "孩子吃钙片一天几粒合适 %d",
  "谢谢群主的分享 %d",
}
local groups = {}
for i = 1, 40 do groups[i] = string.format("g-fans-%02d", i) end
local pace = tonumber(os.getenv("PACE_MS") or "0")
-- LOAD_ID (environment): told apart from other wrk processes sending at the same time.
local load_id = os.getenv("LOAD_ID") or ""
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- Numbered from the clock, so a second run does not repeat the first one's texts
  -- (three copies of a text within ten minutes would be flooding).
  counter = (os.time() % 100000) * 10000
  wrk.headers["Content-Type"] = "application/json"
end

function delay()
  return pace
end

-- BATCH (environment): events per request (1: a single object; more: a JSON array).
local batch = tonumber(os.getenv("BATCH") or "1")

local function event()
  counter = counter + 1
  local text = string.format(texts[(counter % #texts) + 1], counter)
  local group = groups[(counter % #groups) + 1]
  return string.format(
    '{"type":"message","id":"load%s-%d-%d-%d","ts":%d,"group":"%s","group_name":"鱼油粉丝福利群","user":"u%d","nick":"西安-王芳-鱼油","text":"%s"}',
    load_id, os.time(), thread_id, counter, os.time(), group, (counter * 7 + thread_id) % 20000, text)
end

function request()
  if batch <= 1 then return wrk.format("POST", "/v1/events", nil, event()) end
  local events = {}
  for i = 1, batch do events[i] = event() end
  return wrk.format("POST", "/v1/events", nil, "[" .. table.concat(events, ",") .. "]")
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.0f events_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.requests * math.max(batch, 1) / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors, summary.errors.status))
end
