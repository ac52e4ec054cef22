#!/usr/bin/env bash
# How fast `groupbot serve` renders the console's overview with 1,000 groups and 90 days
# of figures: a state file is made by `groupbot run` from a generated log (one day of
# joins and messages per group and day), `serve` starts on it, an admin signs in and the
# overview is fetched REPEATS times; the median and the slowest are printed.
#
#   bash Benchmarks/console.sh                  # release build expected at .build/release/groupbot
#   GROUP_COUNT=200 DAYS=30 REPEATS=50 bash Benchmarks/console.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/groupbot}
GROUP_COUNT=${GROUP_COUNT:-1000}
DAYS=${DAYS:-90}
REPEATS=${REPEATS:-30}
PORT=${PORT:-18431}
OUT=bench-out/console
mkdir -p "$OUT"
STATE="$OUT/state-$GROUP_COUNT-$DAYS.sqlite"
if [ ! -f "$STATE" ]; then
    python3 - "$GROUP_COUNT" "$DAYS" > "$OUT/log.jsonl" <<'PY'
import json, sys, datetime, random
groups, days = int(sys.argv[1]), int(sys.argv[2])
random.seed(7)
start = datetime.datetime(2026, 9, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
texts = ["请问鱼油什么时候发货", "今天的直播几点开始", "谢谢群主", "价格多少", "收到"]
for day in range(days):
    for g in range(groups):
        group = f"g-fans-{g:04d}"
        base = start + datetime.timedelta(days=day, hours=9, seconds=g)
        print(json.dumps({"type": "join", "id": f"j{day}-{g}", "ts": base.isoformat(), "group": group,
                          "group_name": f"鲜海福利{g}群", "user": f"u{day}-{g}", "nick": "新朋友", "member_count": 200 + day}))
        for m in range(random.randint(0, 6)):
            t = base + datetime.timedelta(minutes=10 + m)
            print(json.dumps({"type": "message", "id": f"m{day}-{g}-{m}", "ts": t.isoformat(), "group": group,
                              "user": f"u{g}-{m}", "nick": "西安-王芳-鱼油", "text": random.choice(texts)}, ensure_ascii=False))
PY
    "$BIN" run --rules rules --clock events --state "$STATE" --flush buffered < "$OUT/log.jsonl" > /dev/null
fi
cat > "$OUT/serve.yaml" <<YAML
host: 127.0.0.1
port: $PORT
rules: rules
state: $STATE
reload: false
YAML
export GROUPBOT_CONSOLE_TOKENS="bench:admin:benchmark-token-0123456789"
"$BIN" serve --config "$OUT/serve.yaml" > "$OUT/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; wait $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.1; done
COOKIE=$(curl -s -i -X POST -d "token=benchmark-token-0123456789" "http://127.0.0.1:$PORT/console/login" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: groupbot_console=\([0-9a-f]*\).*/\1/p')
curl -s -o /dev/null -H "Cookie: groupbot_console=$COOKIE" "http://127.0.0.1:$PORT/console"  # warm-up
for _ in $(seq 1 "$REPEATS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: groupbot_console=$COOKIE" "http://127.0.0.1:$PORT/console"
done | sort -n | awk -v groups="$GROUP_COUNT" -v days="$DAYS" '
    { t[NR] = $1 * 1000 }
    END { printf "console overview, %d groups, %d days of figures: median %.1f ms, slowest %.1f ms (%d requests)\n",
          groups, days, t[int((NR + 1) / 2)], t[NR], NR }'
