-- wrk script: POST /v1/appeals with a unique channel_ref per request, so every
-- request makes a new ticket. Measures intake alone (a C client, no end-to-end wait), with
-- the web channel's key in WEB_KEY (intake files only with a channel's key):
--   WEB_KEY=$(suban keys create --channel web --label wrk) wrk -t1 -c64 -d15s -s deploy/bench/appeal.lua http://127.0.0.1:8080
local counter = 0
local run = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))
local texts = {
  '小区旁边工地每天晚上十一点以后还在夜间施工，打桩声音特别大',
  '每天晚上广场舞音响太大声，孩子没法写作业',
  '家里从昨天下午开始停水，到现在还没有来水',
  '楼下烧烤店油烟直接往楼上排，窗户都不敢开',
}
local districts = { 'longhua', 'nanshan', 'baoan', 'futian' }
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. (os.getenv("WEB_KEY") or "") }

request = function()
  counter = counter + 1
  local i = counter % #texts + 1
  local body = string.format(
    '{"channel":"web","channel_ref":"wrk-%s-%d","type":"complaint","text":"%s","location":{"district":"%s","address":"深圳"},"contact":{"phone":"13800138000","anonymous":false}}',
    run, counter, texts[i], districts[i])
  return wrk.format("POST", "/v1/appeals", headers, body)
end

local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency)
  io.write(string.format("p50 %.1f ms  p99 %.1f ms  p99.9 %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
