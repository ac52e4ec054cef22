#!/usr/bin/env bash
# `make bench-scale`: one, two and three `groupbot serve` instances (release) on one
# PostgreSQL on this machine, driven by wrk with single events (Benchmarks/serve-load.lua),
# the connections split evenly over the instances (docs/scaling.md).
#
#   bash Benchmarks/scale.sh
#   DURATION=10 INSTANCES="1 3" bash Benchmarks/scale.sh
#
# For each count it prints requests/s (all instances together), the worst instance's p99,
# how many rows the shared log took (every request is one event: they must match), and the
# database's share of the CPU time used meanwhile (PostgreSQL's processes against the
# instances'). PostgreSQL is the private one of the tests (Tests/postgres/start.sh: Debian's
# package, installed when missing, on port 55432, fsync off); each count gets a new database.
# Environment: BINARY (.build/release/groupbot), DURATION (15), CONNECTIONS (48), INSTANCES.
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${BINARY:-.build/release/groupbot}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-48}
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
SERVER=$(GROUPBOT_POSTGRES=start sh Tests/postgres/start.sh)
OUT=bench-out/scale
mkdir -p "$OUT"

# A callback receiver that answers 200 at once: the instances need a channel for actions.
python3 - "$OUT/receiver.port" <<'EOF' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
EOF
RECEIVER=$!
PIDS=()
cleanup() { kill "${PIDS[@]}" "$RECEIVER" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$OUT/receiver.port" ] && break; sleep 0.1; done
RECEIVER_PORT=$(cat "$OUT/receiver.port")

# CPU seconds (user + system) used so far by the processes whose pids are given.
cpu() { for pid in "$@"; do awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0; done | awk -v hz="$(getconf CLK_TCK)" '{s += $1} END {printf "%.2f", s / hz}'; }
postgres_pids() { pgrep -f "postgres.*55432|postgres: " | tr '\n' ' '; }

echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo)"
echo "binary: $BINARY; rules: rules/; $CONNECTIONS connections split over the instances; ${DURATION}s per count"
printf '%-10s %10s %9s %9s %11s %9s\n' instances requests rps p99_ms log_rows db_share
for COUNT in ${INSTANCES:-1 2 3}; do
  DATABASE="groupbot_scale_${COUNT}_$$"
  psql -q "$SERVER" -c "CREATE DATABASE $DATABASE" >/dev/null
  URL="${SERVER%/*}/$DATABASE"
  PIDS=()
  PORTS=()
  for i in $(seq "$COUNT"); do
    PORT=$((18600 + i))
    cat > "$OUT/instance$i.yaml" <<EOF
state: $URL
callback: { url: "http://127.0.0.1:$RECEIVER_PORT/hook" }
cluster: { instance: i$i, partitions: 64 }
EOF
    "$BINARY" serve --rules rules --config "$OUT/instance$i.yaml" --port "$PORT" --log-level warning 2>"$OUT/instance$i.log" &
    PIDS+=($!)
    PORTS+=("$PORT")
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  done
  sleep 2  # the partitions spread over the instances
  PG=$(postgres_pids)
  pg_before=$(cpu $PG); bot_before=$(cpu "${PIDS[@]}")
  WRKS=()
  for i in $(seq "$COUNT"); do
    LOAD_ID=$i wrk -t1 -c$((CONNECTIONS / COUNT)) -d"${DURATION}s" --timeout 5s -s Benchmarks/serve-load.lua \
      "http://127.0.0.1:${PORTS[$((i - 1))]}" > "$OUT/wrk$i.txt" &
    WRKS+=($!)
  done
  wait "${WRKS[@]}"
  pg_after=$(cpu $PG); bot_after=$(cpu "${PIDS[@]}")
  sleep 1
  ROWS=$(psql -tA "$URL" -c "SELECT COUNT(*) FROM cluster_log WHERE id_hash IS NOT NULL")
  python3 - "$COUNT" "$ROWS" "$pg_before" "$pg_after" "$bot_before" "$bot_after" "$OUT"/wrk*.txt <<'EOF'
import re, sys
count, rows = sys.argv[1], sys.argv[2]
pg = float(sys.argv[4]) - float(sys.argv[3]); bot = float(sys.argv[6]) - float(sys.argv[5])
requests = seconds = 0; p99 = 0.0; errors = 0
for path in sys.argv[7:7 + int(count)]:
    line = next(l for l in open(path) if l.startswith("RESULT"))
    fields = dict(part.split("=") for part in line.split()[1:])
    requests += int(fields["requests"]); seconds = max(seconds, float(fields["seconds"]))
    p99 = max(p99, float(fields["p99_ms"])); errors += int(fields["errors"])
share = pg / (pg + bot) if pg + bot > 0 else 0
print(f"{count:<10} {requests:>10} {requests / seconds:>9.0f} {p99:>9.2f} {rows:>11} {share:>8.0%}" + (f"  errors={errors}" if errors else ""))
EOF
  kill -TERM "${PIDS[@]}"
  wait "${PIDS[@]}" 2>/dev/null || true
  rm -f "$OUT"/wrk*.txt
done
