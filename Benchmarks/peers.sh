#!/usr/bin/env bash
# groupbot on the shared peer benchmark (../shared/bench): same workload, same
# machine, same run as the peers. Run by `make bench` after the release build.
#
#   bash Benchmarks/peers.sh                              # 1M events, default peers
#   N=200000 REPEATS=3 bash Benchmarks/peers.sh
#   PEERS=all bash Benchmarks/peers.sh                    # every peer run.sh knows (~3 min more)
#   BINARY=.build/debug/groupbot N=20000 PEERS=c-hyperscan bash Benchmarks/peers.sh
#
# Environment:
#   N (1000000)        events in the workload
#   REPEATS (1)        timed runs per engine; the best wall time counts
#   PEERS              peers for run.sh; default "c-pcre2-ac c-hyperscan py-hyperscan jq-parse":
#                      the fastest full-task peer (c-hyperscan, also the agreement reference),
#                      the C + PCRE2 peer closest to groupbot's design, Python + Hyperscan, and
#                      the JSON parse floor. The slow peers (py-naive, py-aho, c-pcre2: about
#                      1.5 min together) add little; PEERS=all runs run.sh's full list.
#   BINARY             groupbot executable (.build/release/groupbot)
#   BENCH_DIR          work directory (bench-out/peers in the repo, git-ignored)
#   SHARED_DIR         the shared folder holding bench/ (../shared beside the repo)
#                      (relative paths in BINARY, BENCH_DIR and SHARED_DIR are from the repo root)
#   RSS_N              events of the prefix for the RSS flatness check (100000; N/10 when N < 1M)
#
# Steps: run.sh generates data/ and times the peers into $BENCH_DIR/out; make_rules.py
# turns keywords.txt and regexes.txt into a rules directory; groupbot is timed
# with /usr/bin/time -v as run.sh times the peers (empty input for setup, all
# events, a prefix for RSS); compare.py checks groupbot against c-hyperscan and
# prints the table (also written to bench-out/bench-table.md).
# Exit status: non-zero when groupbot fails or disagrees with the reference peer.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

N=${N:-1000000}
REPEATS=${REPEATS:-1}
PEERS=${PEERS:-"c-pcre2-ac c-hyperscan py-hyperscan jq-parse"}
[ "$PEERS" != all ] || PEERS=""            # empty: run.sh uses its own default list
BINARY=${BINARY:-.build/release/groupbot}
BENCH_DIR=${BENCH_DIR:-bench-out/peers}
SHARED_DIR=${SHARED_DIR:-../shared}
RSS_N=${RSS_N:-$(( N >= 1000000 ? 100000 : N / 10 ))}
TABLE=$REPO/bench-out/bench-table.md

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }

# run.sh changes directory first, so every path handed on must be absolute.
[ -x "$BINARY" ] || die "no groupbot binary at $BINARY (build it, or set BINARY)"
[ -f "$SHARED_DIR/bench/run.sh" ] || die "no $SHARED_DIR/bench/run.sh (set SHARED_DIR)"
BINARY_NAME=$BINARY
BINARY=$(cd "$(dirname "$BINARY")" && pwd)/$(basename "$BINARY")
SHARED_DIR=$(cd "$SHARED_DIR" && pwd)
mkdir -p "$BENCH_DIR" "$(dirname "$TABLE")"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

# ------------------------------------------------- peers (and the workload)
log "peers: run.sh with N=$N REPEATS=$REPEATS PEERS=${PEERS:-<run.sh default>} in $BENCH_DIR"
N=$N REPEATS=$REPEATS PEERS=$PEERS BENCH_DIR=$BENCH_DIR \
    bash "$SHARED_DIR/bench/run.sh" > "$BENCH_DIR/run.stdout"
log "peer report: $BENCH_DIR/out/report.md ($(grep -m1 '^All same-task peers agree' "$BENCH_DIR/out/report.md" || echo 'no verdict'))"

cd "$BENCH_DIR"
# ---------------------------------------------------------------- rules
python3 "$REPO/Benchmarks/make_rules.py" data/keywords.txt data/regexes.txt rules
"$BINARY" check rules > out/groupbot.check 2>&1 || { cat out/groupbot.check >&2; die "groupbot check rules failed"; }

# ------------------------------------------------------------ groupbot
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"; }
rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

# timed INPUT OUTFILE TIMEFILE: one groupbot run under /usr/bin/time -v, stderr
# beside OUTFILE (.err); returns groupbot's exit status
timed() {
    /usr/bin/time -v -o "$3" "$BINARY" run --rules rules --clock events --state memory < "$1" > "$2" 2> "${2%.out}.err"
}

[ "$RSS_N" -gt 0 ] && [ "$RSS_N" -le "$N" ] || RSS_N=$N
head -n "$RSS_N" data/events.jsonl > data/groupbot-prefix.jsonl   # fresh: the data may have changed
: > data/empty.jsonl

rc=0
cat data/events.jsonl > /dev/null                          # warm the page cache
timed data/empty.jsonl out/groupbot.empty.out out/groupbot.empty.time || rc=$?
setup=$(wall_s out/groupbot.empty.time)
log "groupbot: setup (empty input) ${setup}s"
log "groupbot: RSS check on the first $RSS_N events"
timed data/groupbot-prefix.jsonl out/groupbot.prefix.out out/groupbot.prefix.time || rc=$?
rss_prefix=$(rss_kb out/groupbot.prefix.time)
walls="" rss=""
for ((i = 1; i <= REPEATS; i++)); do
    log "groupbot: run $i/$REPEATS on $N events"
    timed data/events.jsonl out/groupbot.out out/groupbot.time || rc=$?
    walls="${walls:+$walls,}$(wall_s out/groupbot.time)"
    rss=$(awk -v a="$(rss_kb out/groupbot.time)" -v b="$rss" 'BEGIN{print (b==""||a>b)?a:b}')
done
# The same run with the SQLite store (journal, outbox, snapshots): its cost against memory.
log "groupbot: run with the SQLite store on $N events"
rm -f out/groupbot.state.sqlite*
/usr/bin/time -v -o out/groupbot.sqlite.time "$BINARY" run --rules rules --clock events --state out/groupbot.state.sqlite \
    < data/events.jsonl > out/groupbot.sqlite.out 2> out/groupbot.sqlite.err || rc=$?
sqlite_wall=$(wall_s out/groupbot.sqlite.time)
sqlite_same=no
cmp -s out/groupbot.out out/groupbot.sqlite.out && sqlite_same=yes

# replay on the same input: the same actions, and within 1.5x of run's time.
log "groupbot: replay on $N events"
/usr/bin/time -v -o out/groupbot.replay.time "$BINARY" replay data/events.jsonl --rules rules \
    > out/groupbot.replay.out 2> out/groupbot.replay.err || rc=$?
replay_wall=$(wall_s out/groupbot.replay.time)
replay_same=no
cmp -s out/groupbot.out out/groupbot.replay.out && replay_same=yes
[ "$rc" = 0 ] || log "groupbot: exit status $rc (see $BENCH_DIR/out/groupbot.err)"
[ ! -s out/groupbot.err ] || log "groupbot: $(wc -l < out/groupbot.err) stderr line(s), first: $(head -1 out/groupbot.err)"

# Same columns as run.sh's runs.tsv, plus the prefix RSS.
{
    printf 'peer\tcheck\tevents\tdescription\twalls\tsetup_s\trss_kb\trc\tprefix_events\tprefix_rss_kb\n'
    printf 'groupbot\tsame\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$N" "$BINARY_NAME run --clock events --state memory" \
        "$walls" "$setup" "$rss" "$rc" "$RSS_N" "$rss_prefix"
} > out/groupbot.tsv

# -------------------------------------------------- agreement and table
agree=0
python3 "$REPO/Benchmarks/compare.py" agree "$BENCH_DIR" out/groupbot.out | tee out/groupbot.agreement.txt \
    || agree=$?
python3 "$REPO/Benchmarks/compare.py" table "$BENCH_DIR" "$TABLE"
best_run=$(tr ',' '\n' <<< "$walls" | sort -n | head -1)
replay_line="- groupbot replay: ${replay_wall} s on the same input, $(awk -v r="$replay_wall" -v w="$best_run" 'BEGIN{printf "%.2f", r/w}')× run's time; output identical to run: $replay_same"
echo "$replay_line"
echo "$replay_line" >> "$TABLE"
sqlite_line="- groupbot run with the SQLite store: ${sqlite_wall} s ($(awk -v n="$N" -v r="$sqlite_wall" 'BEGIN{printf "%d", n/r}') events/s), $(awk -v r="$sqlite_wall" -v w="$best_run" 'BEGIN{printf "%.2f", r/w}')× the in-memory run; output identical: $sqlite_same; peak RSS $(( $(rss_kb out/groupbot.sqlite.time) / 1024 )) MB"
echo "$sqlite_line"
echo "$sqlite_line" >> "$TABLE"
[ "$replay_same" = yes ] || { log "replay output differs from run output"; rc=1; }
log "table written to $TABLE"
[ "$rc" = 0 ] || exit 1
exit "$agree"
