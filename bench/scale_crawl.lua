-- wrk script for bench/scale.py: a cold crawl over a list of distinct URLs.
--
--   wrk -t2 -c16 -d60s -s bench/scale_crawl.lua http://127.0.0.1:PORT -- URLS THREADS PROGRESS MODE
--
-- URLS is a file of request paths, one per line (written by bench/scale.py, already shuffled).
-- Thread k (0-based) of THREADS takes lines k, k+THREADS, k+2*THREADS, ...: the threads' slices
-- are disjoint and each thread walks its own slice in order, so no URL is requested twice while
-- the slices last. MODE "wrap" starts a slice again when it runs out (each restart counted as
-- "wraps": the URL file was too short for the run); MODE "stop" stops the thread instead (for
-- a run of exactly as many requests as the file has lines; bench/scale.py then ends wrk with
-- SIGINT; the thread's progress file then says "done"). Every 100 answers a thread writes its
-- count of answers to PROGRESS/<k> (so the driver can sample the server's memory by requests
-- served). done() prints one line, "SCALE_RESULT {json}", with the totals, the latency
-- percentiles (microseconds), the errors and the answers by status.

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   table.insert(threads, thread)
   next_id = next_id + 1
end

function init(args)
   local file, nthreads = args[1], tonumber(args[2])
   progress_dir, mode = args[3], args[4] or "wrap"
   urls = {}
   local i = 0
   for line in io.lines(file) do
      if i % nthreads == id and line ~= "" then
         urls[#urls + 1] = line
      end
      i = i + 1
   end
   loaded, pos, answered, wraps = #urls, 0, 0, 0
   statuses = {}
end

local function write_progress(final)
   local f = io.open(progress_dir .. "/" .. id, "w")
   if f then
      f:write(tostring(answered), final and " done\n" or "\n")
      f:close()
   end
end

function request()
   pos = pos + 1
   if pos > #urls then
      if mode == "stop" then
         write_progress(true)
         wrk.thread:stop()
         pos = #urls -- a request is still required here; the stopped loop never sends it
      else
         pos = 1
         wraps = wraps + 1
      end
   end
   return wrk.format("GET", urls[pos])
end

function response(status, headers, body)
   answered = answered + 1
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if answered % 100 == 0 then
      write_progress()
   end
end

function done(summary, latency, requests)
   local by_status, wrapped, loaded = {}, 0, 0
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         by_status[status] = (by_status[status] or 0) + count
      end
      wrapped = wrapped + thread:get("wraps")
      loaded = loaded + thread:get("loaded")
   end
   local parts = {}
   for status, count in pairs(by_status) do
      parts[#parts + 1] = string.format('"%s": %d', status, count)
   end
   local e = summary.errors
   io.write(string.format(
      'SCALE_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "urls": %d, "wraps": %d, '
      .. '"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, "statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes, loaded, wrapped,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
      e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ", ")))
end
