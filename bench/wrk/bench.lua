-- wrk script for every page of `make bench`. GET pages use wrk's own request (the Host
-- header comes from the command line). With BENCH_FORMS set, each request is a POST built
-- from that file (written by bench/load.py): either visitors' cookies and form bodies, in
-- turn, with @KEY@ replaced by a fresh one-time key and @PRODUCT@ by one of the products
-- (adding to the cart), or prepared orders, each posted once by one thread (placing them;
-- a thread whose share is spent stops).
-- done() prints one line of JSON that bench/load.py reads.

local data = nil
local counter = 0
local share = nil
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

function init(args)
  local path = os.getenv("BENCH_FORMS")
  if path and path ~= "" then
    data = dofile(path)
  end
  if data and data.orders then
    -- wrk -t2: thread 1 sends the odd orders, thread 2 the even ones.
    share = {}
    for i, order in ipairs(data.orders) do
      if i % 2 == thread_number % 2 then
        share[#share + 1] = order
      end
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

local function key()
  local picked = {}
  for i = 1, 24 do
    local n = math.random(1, #chars)
    picked[i] = chars:sub(n, n)
  end
  return table.concat(picked)
end

local function place()
  counter = counter + 1
  local order = share[counter]
  if order == nil then
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  local headers = {
    Host = wrk.headers["Host"],
    Cookie = order.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", data.path, headers, order.body)
end

function request()
  if data == nil then
    return wrk.request()
  end
  if share then
    return place()
  end
  counter = counter + 1
  local visitor = data.visitors[(counter % #data.visitors) + 1]
  local product = data.products[math.random(1, #data.products)]
  local body = visitor.body:gsub("@KEY@", key())
  body = body:gsub("@PRODUCT@", product)
  local headers = {
    Host = wrk.headers["Host"],
    Cookie = visitor.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", data.path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
