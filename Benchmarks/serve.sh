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
