#!/usr/bin/env bash
# `make bench-serve`: groupbot serve (release) on loopback with the example rules and a
# SQLite state file, driven by wrk with single events (Benchmarks/serve-load.lua).
#
#   bash Benchmarks/serve.sh
#   DURATION=10 bash Benchmarks/serve.sh
#
# Runs, each DURATION seconds (20):
#   paced   -- 12 connections, each waiting PACE_MS (4) between requests: about 2,000
#              requests/s offered; reports the latency percentiles at that load.
#   full    -- 64 connections, no pause: the most the server sustains (the 10,000/s target).
#   repeat  -- the full run REPEATS (4) times more, printing the server's RSS after each:
#              memory must level off (SQLite's page cache and the bounded engine state
#              fill up; nothing grows with every event but the 8-byte processed-id hashes).
#   batch   -- 8 connections, no pause, BATCH (100) events per request (a JSON array), then
#              `groupbot run` on a file of the same kind of events with the same rules and
#              a SQLite state file: serve's events/s beside run's (the performance issue asks
#              for at least half). BATCH=0 skips it.
#   hold    -- HOLD seconds (240; 0 skips it) at about 10,000 requests/s: 64 connections,
#              each waiting HOLD_PACE_MS (3) between requests, with the server's RSS sampled
#              every SAMPLE seconds (20). Long enough for the processed-id set to reach
#              its bound (2 million ids), after which RSS must stay flat.
# Environment: BINARY (.build/release/groupbot), PORT (18480), DURATION, PACE_MS.
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${BINARY:-.build/release/groupbot}
PORT=${PORT:-18480}
DURATION=${DURATION:-20}
PACE_MS=${PACE_MS:-4}
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
OUT=bench-out/serve
mkdir -p "$OUT"
rm -f "$OUT"/state.sqlite*
"$BINARY" serve --rules rules --port "$PORT" --state "${STATE:-$OUT/state.sqlite}" --log-level warning 2>"$OUT/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2 / 1024}' "/proc/$SERVER/status"; }
run() {
  local name=$1 connections=$2 pace=$3
  local line
  line=$(PACE_MS=$pace wrk -t2 -c"$connections" -d"${DURATION}s" --timeout 5s -s Benchmarks/serve-load.lua \
    "http://127.0.0.1:$PORT" | grep '^RESULT')
  printf '%-8s connections=%-3s %s rss_mb=%.1f\n' "$name" "$connections" "${line#RESULT }" "$(rss)"
}
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo)"
echo "binary: $BINARY; rules: rules/; state: SQLite ($OUT/state.sqlite); ${DURATION}s per run"
printf 'idle    rss_mb=%.1f\n' "$(rss)"
run paced 12 "$PACE_MS"
run full 64 0
for i in $(seq "${REPEATS:-4}"); do run "repeat$i" 64 0; done
BATCH=${BATCH:-100}
if [ "$BATCH" -gt 0 ]; then
  line=$(BATCH=$BATCH PACE_MS=0 wrk -t2 -c8 -d"${DURATION}s" --timeout 10s -s Benchmarks/serve-load.lua \
    "http://127.0.0.1:$PORT" | grep '^RESULT')
  printf '%-8s connections=8   %s rss_mb=%.1f\n' "batch$BATCH" "${line#RESULT }" "$(rss)"
  served=$(sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p' <<< "$line")
  # The same kind of events as a file: 40 groups, 20,000 members, the same ten texts.
  python3 - "$OUT/batch-events.jsonl" <<'PY'
import sys, time
texts = ["鱼油多少钱一瓶呀？第%d次问", "今天天气不错，大家早上好 %d", "收到货了，包装很仔细，谢谢客服 %d",
         "高价回收茅台，加V：abc%d", "请问什么时候发货？订单%d", "晚上有直播吗 %d", "昨天买的维E已经到了，第%d单",
         "群里的活动什么时候开始 %d", "孩子吃钙片一天几粒合适 %d", "谢谢群主的分享 %d"]
start = int(time.time()) - 200000
with open(sys.argv[1], "w") as out:
    for n in range(1, 200001):
        out.write('{"type":"message","id":"file-%d","ts":%d,"group":"g-fans-%02d","group_name":"鱼油粉丝福利群",'
                  '"user":"u%d","nick":"西安-王芳-鱼油","text":"%s"}\n'
                  % (n, start + n, n % 40 + 1, n * 7 % 20000, texts[n % 10] % n))
PY
  rm -f "$OUT"/run-state.sqlite*
  /usr/bin/time -f "%e" -o "$OUT/run-time.txt" "$BINARY" run --rules rules --clock events --state "$OUT/run-state.sqlite" \
    --flush buffered < "$OUT/batch-events.jsonl" > /dev/null 2> "$OUT/run.err"
  ran=$(awk '{ printf "%.0f", 200000 / $1 }' "$OUT/run-time.txt")
  /usr/bin/time -f "%e" -o "$OUT/run-time.txt" "$BINARY" run --rules rules --clock events --state memory \
    --flush buffered < "$OUT/batch-events.jsonl" > /dev/null 2> "$OUT/run.err"
  inmemory=$(awk '{ printf "%.0f", 200000 / $1 }' "$OUT/run-time.txt")
  echo "run      the same kind of events from a file: events_per_s=$ran with a SQLite state, $inmemory in memory;" \
       "serve with $BATCH-event batches: $(awk -v a="$served" -v b="$ran" 'BEGIN { printf "%.2f", a / b }')x run on SQLite," \
       "$(awk -v a="$served" -v b="$inmemory" 'BEGIN { printf "%.2f", a / b }')x run in memory"
fi
HOLD=${HOLD:-240}
if [ "$HOLD" -gt 0 ]; then
  PACE_MS=${HOLD_PACE_MS:-3} wrk -t2 -c64 -d"${HOLD}s" --timeout 5s -s Benchmarks/serve-load.lua \
    "http://127.0.0.1:$PORT" > "$OUT/hold.txt" &
  LOAD=$!
  samples=""
  for ((t = ${SAMPLE:-20}; t <= HOLD; t += ${SAMPLE:-20})); do
    sleep "${SAMPLE:-20}"
    samples="$samples $(printf '%.0f' "$(rss)")"
  done
  wait $LOAD
  line=$(grep '^RESULT' "$OUT/hold.txt")
  printf 'hold     connections=64  %s rss_mb=%.1f\n' "${line#RESULT }" "$(rss)"
  echo "hold rss_mb every ${SAMPLE:-20}s:$samples"
fi
kill -TERM $SERVER
wait $SERVER && echo "serve stopped cleanly (SIGTERM)"
