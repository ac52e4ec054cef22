#!/usr/bin/env bash
# Does the state file stay bounded? Four weeks of the brand's 1,000 groups (../shared/bench/community,
# generated once and cached in bench-out/community), run week by week through `groupbot run` on one
# state file, as a deployment restarted each week would: after each week the file's size, the part
# of it in use (pages less the free list), and the largest tables. Exits 1 when the file after the
# last week is more than 1.5 times its size after the first.
#
#   bash Benchmarks/state-growth.sh                  # 4 weeks, the default retention (90 days)
#   KEEP_DAYS=7 bash Benchmarks/state-growth.sh      # audit log kept a week
#   WEEKS=2 bash Benchmarks/state-growth.sh          # fewer weeks (the first WEEKS of the log)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/groupbot}
SHARED=${SHARED:-../shared}
WEEKS=${WEEKS:-4}
KEEP_DAYS=${KEEP_DAYS:-90}
OUT=bench-out/community
mkdir -p "$OUT"
LOG="$OUT/days28.jsonl"
if [ ! -s "$LOG" ]; then
    echo "generating $LOG (28 days, 1,000 groups; a quarter of an hour)"
    python3 "$SHARED/bench/community/gen_community.py" --days 28 --out "$LOG.part" 2> "$OUT/gen-28.log"
    mv "$LOG.part" "$LOG"
fi
if [ ! -s "$OUT/week4.jsonl" ]; then
    # Weeks by the events' local date (the log starts on a Monday); the hour of ticks after the
    # last day goes with week 4.
    python3 - "$LOG" "$OUT" <<'EOF'
import datetime, os, sys
log, out = sys.argv[1], sys.argv[2]
files = [open(f"{out}/week{w}.jsonl.part", "w") for w in range(1, 5)]
first = None
with open(log) as source:
    for line in source:
        at = line.index('"ts":"') + 6
        day = datetime.date.fromisoformat(line[at:at + 10])
        first = first or day
        files[min((day - first).days // 7, 3)].write(line)
for w, f in enumerate(files, 1):
    f.close()
    os.rename(f"{out}/week{w}.jsonl.part", f"{out}/week{w}.jsonl")
EOF
fi
STATE="$OUT/state-growth.sqlite"
rm -f "$STATE" "$STATE-wal" "$STATE-shm" "$STATE.lock"
echo "one state file, week by week, --keep-days $KEEP_DAYS"
echo
echo "| after week | events | file MB | in use MB | outbox MB | snapshots MB | processed MB | active hashes MB | figures MB | wall s | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
first_size=0
for week in $(seq 1 "$WEEKS"); do
    input="$OUT/week$week.jsonl"
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$BIN" run --rules rules --clock events --state "$STATE" \
        --flush buffered --keep-days "$KEEP_DAYS" < "$input" > /dev/null 2> "$OUT/growth-err.txt"
    read -r wall rss < "$OUT/time.txt"
    size=$(stat -c %s "$STATE")
    table() { sqlite3 "$STATE" "SELECT COALESCE(SUM(pgsize), 0) / 1048576 FROM dbstat WHERE name $1"; }
    in_use=$(sqlite3 "$STATE" "SELECT (page_count - freelist_count) * page_size / 1048576 FROM pragma_page_count, pragma_freelist_count, pragma_page_size")
    printf '| %d | %d | %d | %d | %d | %d | %d | %d | %d | %.1f | %d MB |\n' "$week" "$(wc -l < "$input")" \
        $((size / 1048576)) "$in_use" "$(table "= 'outbox'")" "$(table "= 'snapshots'")" "$(table "= 'processed'")" \
        "$(table "= 'daily_active_members'")" "$(table "IN ('daily_stats', 'daily_rule_hits', 'daily_stats_by_day')")" \
        "$wall" $((rss / 1024))
    [ "$week" = 1 ] && first_size=$size
done
echo
ratio=$(awk -v a="$size" -v b="$first_size" 'BEGIN { printf "%.2f", a / b }')
echo "file after week $WEEKS: ${ratio}x its size after week 1"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.5) }' || { echo "more than 1.5x: the file is not bounded" >&2; exit 1; }
