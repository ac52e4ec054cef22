#!/usr/bin/env bash
# The real workload: a brand's week in 1,000 groups (../shared/bench/community), through the
# shipped rules. Generates the log once (cached in bench-out/community), then times
#   replay, run --state memory, run --state <file> (a new SQLite file), stats --format csv
# with /usr/bin/time, prints a table (wall seconds, events a second, peak RSS, the state
# file's size), and exits 1 unless the three runs wrote the same bytes.
#
#   bash Benchmarks/community.sh                 # the week (3.4 million events; several minutes)
#   DAYS=1 bash Benchmarks/community.sh          # day 1 only (half a million events)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/groupbot}
DAYS=${DAYS:-7}
SHARED=${SHARED:-../shared}
OUT=bench-out/community
mkdir -p "$OUT"
if [ "$DAYS" = 1 ]; then LOG="$OUT/day1.jsonl"; else LOG="$OUT/days$DAYS.jsonl"; fi
if [ ! -s "$LOG" ]; then
    echo "generating $LOG ($DAYS day(s), 1,000 groups)"
    python3 "$SHARED/bench/community/gen_community.py" --days "$DAYS" --out "$LOG" 2> "$OUT/gen-$DAYS.log"
fi
EVENTS=$(wc -l < "$LOG")
STATE="$OUT/state-$DAYS.sqlite"
rm -f "$STATE" "$STATE-wal" "$STATE-shm" "$STATE.lock"

measure() {  # name, events (0: no rate), output file, command…
    local name=$1 events=$2 output=$3
    shift 3
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > "$output" 2> "$OUT/err.txt" < "${INPUT:-/dev/null}"
    read -r wall rss < "$OUT/time.txt"
    printf '| %s | %.1f | %s | %d MB |\n' "$name" "$wall" \
        "$(awk -v n="$events" -v w="$wall" 'BEGIN { if (n > 0) printf "%.0f", n / w }')" $((rss / 1024))
}

echo "$EVENTS events in $LOG"
echo
echo "| command | wall s | events/s | peak RSS |"
echo "|---|---:|---:|---:|"
INPUT= measure "replay" "$EVENTS" "$OUT/replay.jsonl" "$BIN" replay "$LOG" --rules rules
INPUT="$LOG" measure "run --state memory" "$EVENTS" "$OUT/run-memory.jsonl" "$BIN" run --rules rules --clock events --state memory --flush buffered
INPUT="$LOG" measure "run --state <file>" "$EVENTS" "$OUT/run-file.jsonl" "$BIN" run --rules rules --clock events --state "$STATE" --flush buffered
INPUT= measure "stats --format csv" 0 "$OUT/stats.csv" "$BIN" stats --state "$STATE" --format csv
echo
echo "state file: $(du -m "$STATE" | cut -f1) MB; stats: $(($(wc -l < "$OUT/stats.csv") - 1)) group-days," \
     "$(awk -F, 'NR > 1 && $4 == "" { blank++ } END { print blank + 0 }' "$OUT/stats.csv") without a member count"
if cmp -s "$OUT/replay.jsonl" "$OUT/run-memory.jsonl" && cmp -s "$OUT/replay.jsonl" "$OUT/run-file.jsonl"; then
    echo "replay, run --state memory and run --state <file> wrote the same $(wc -l < "$OUT/replay.jsonl") actions"
else
    echo "the three runs differ: compare $OUT/replay.jsonl, run-memory.jsonl and run-file.jsonl" >&2
    exit 1
fi
