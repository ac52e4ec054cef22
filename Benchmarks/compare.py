#!/usr/bin/env python3
"""Agreement check and timing table for groupbot on the peer benchmark.

    compare.py agree BENCH_DIR ACTIONS [--ref PEER]
    compare.py table BENCH_DIR OUT.md

BENCH_DIR is where run.sh worked (data/, out/runs.tsv, out/<peer>.out) and
where Benchmarks/peers.sh put groupbot's figures (out/groupbot.tsv).

agree: ACTIONS is groupbot's output for data/events.jsonl with the rules from
make_rules.py. Peer output lines are `id<TAB>keyword hits<TAB>regex hits`, the
hits being counts of distinct keywords / regexes found in the text, listed for
events with a hit only. From groupbot's actions, per cause event: did rule `kw`
fire, and how many `re-*` rules fired. They agree when
- the events with any hit are the same,
- `kw` fired exactly where the peer counts a keyword hit,
- the number of `re-*` rules that fired equals the peer's regex hit count.
The reference is c-hyperscan when it ran, else the first other peer of the
same task that ran on the whole workload, else py-naive on its prefix.
Mismatches (first 10) are printed with the event text and, as a hint, the
patterns on which groupbot and Python's `re` (on the pattern as rewritten by the
benchmark's common.py) disagree. Exit status 1 on disagreement.

table: groupbot and every peer of the same run: events, wall time, events/s
with and without setup, peak RSS and groupbot's speed ratio to each peer;
printed and written to OUT.md.
"""
import argparse
import csv
import json
import os
import re
import sys

SHOW = 10


def pick_reference(runs, wanted):
    """The runs.tsv row of the reference peer."""
    ok = [r for r in runs if r["rc"] == "0" and r["check"] in ("ref", "same")]
    if wanted:
        found = [r for r in ok if r["peer"] == wanted]
        if not found:
            sys.exit("compare.py: peer %s did not run (or failed) in this run" % wanted)
        return found[0]
    for r in ok:
        if r["peer"] == "c-hyperscan":
            return r
    most = max((int(r["events"]) for r in ok), default=0)
    full = [r for r in ok if r["check"] == "same" and int(r["events"]) == most]
    if full:
        return full[0]
    if ok:
        return ok[0]
    sys.exit("compare.py: no peer of the matching task ran; add c-hyperscan to PEERS")


def load_peer(path, limit):
    """id -> (keyword hits, regex hits) for events m0 .. m<limit-1>."""
    hits = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            msg_id, k, r = line.rstrip("\n").split("\t")
            if int(msg_id[1:]) < limit:
                hits[msg_id] = (int(k), int(r))
    return hits


def load_groupbot(path, limit):
    """id -> (kw fired, sorted re-* rule ids), and a list of problems found."""
    fired, problems = {}, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                action = json.loads(line)
            except ValueError as e:
                problems.append("line %d: not JSON (%s)" % (n, e))
                continue
            cause, rule = action.get("cause", ""), action.get("rule", "")
            if rule != "kw" and not rule.startswith("re-"):
                problems.append("line %d: unexpected rule %r" % (n, rule))
                continue
            if not re.fullmatch(r"m\d+", cause) or int(cause[1:]) >= limit:
                continue
            rules = fired.setdefault(cause, set())
            if rule in rules:
                problems.append("line %d: rule %s fired twice for %s" % (n, rule, cause))
            rules.add(rule)
    return {i: ("kw" in rs, sorted(r for r in rs if r != "kw")) for i, rs in fired.items()}, problems


def event_texts(path, ids):
    """id -> text for the given ids (one pass over the events file)."""
    wanted, texts = set(ids), {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            ev = json.loads(line)
            if ev.get("id") in wanted:
                texts[ev["id"]] = ev.get("text") or ""
                if len(texts) == len(wanted):
                    break
    return texts


def explain(bench_dir, texts, groupbot, width):
    """For each id: which regexes Python's re matches but groupbot did not, and vice versa."""
    sys.path.insert(0, bench_dir)
    sys.dont_write_bytecode = True   # leave no __pycache__ beside the benchmark files
    try:
        from common import pcre_to_py  # the benchmark's own PCRE2 -> Python rewrite
    except ImportError:
        return {}
    with open(os.path.join(bench_dir, "data", "regexes.txt"), encoding="utf-8") as f:
        pats = [p.rstrip("\r\n") for p in f if p.rstrip("\r\n")]
    compiled = [re.compile(pcre_to_py(p)) for p in pats]
    notes = {}
    for msg_id, text in texts.items():
        py = {"re-%0*d" % (width, i) for i, rx in enumerate(compiled, 1) if rx.search(text)}
        gb = set(groupbot.get(msg_id, (False, []))[1])
        lines = ["    only groupbot: %s  %s" % (r, pats[int(r[3:]) - 1]) for r in sorted(gb - py)]
        lines += ["    only python re: %s  %s" % (r, pats[int(r[3:]) - 1]) for r in sorted(py - gb)]
        notes[msg_id] = lines
    return notes


def load_runs(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def agree(args):
    out_dir = os.path.join(args.bench_dir, "out")
    ref = pick_reference(load_runs(os.path.join(out_dir, "runs.tsv")), args.ref)
    limit = int(ref["events"])

    peer = load_peer(os.path.join(out_dir, ref["peer"] + ".out"), limit)
    gb, problems = load_groupbot(args.actions, limit)
    with open(os.path.join(args.bench_dir, "data", "regexes.txt"), encoding="utf-8") as f:
        width = max(3, len(str(sum(1 for line in f if line.strip()))))

    def facts(msg_id):
        """((peer: keyword hit, regex hits), (groupbot: kw fired, re-* rules fired))"""
        k, r = peer.get(msg_id, (0, 0))
        kw, regexes = gb.get(msg_id, (False, []))
        return (k > 0, r), (kw, len(regexes))

    ids = sorted(set(peer) | set(gb), key=lambda i: int(i[1:]))
    bad = [i for i in ids if facts(i)[0] != facts(i)[1]]
    only_peer = sum(1 for i in bad if i not in gb)
    only_gb = sum(1 for i in bad if i not in peer)

    print("groupbot vs %s, first %d events: %d events with a hit (peer: %d); kw fired on %d "
          "(peer: keyword hit on %d); %d regex rule firings (peer: %d regex hits)" % (
              ref["peer"], limit, len(gb), len(peer),
              sum(1 for v in gb.values() if v[0]), sum(1 for v in peer.values() if v[0]),
              sum(len(v[1]) for v in gb.values()), sum(v[1] for v in peer.values())))
    for p in problems[:SHOW]:
        print("  problem: " + p)
    if not bad and not problems:
        print("agreement with %s: yes" % ref["peer"])
        return 0

    print("agreement with %s: NO: %d events differ (%d only in the peer, %d only in groupbot, "
          "%d in both with other facts); first %d:" % (
              ref["peer"], len(bad), only_peer, only_gb, len(bad) - only_peer - only_gb, min(SHOW, len(bad))))
    shown = bad[:SHOW]
    texts = event_texts(os.path.join(args.bench_dir, "data", "events.jsonl"), shown)
    notes = explain(args.bench_dir, texts, gb, width)
    for i in shown:
        (pk, pr), (gk, gr) = facts(i)
        print("  %s: peer keyword=%s regexes=%d | groupbot kw=%s regexes=%d | text %s" % (
            i, "yes" if pk else "no", pr, "yes" if gk else "no", gr,
            json.dumps(texts.get(i, "?"), ensure_ascii=False)))
        for line in notes.get(i, []):
            print(line)
    return 1


TASKS = {"ref": "full", "same": "full", "semantic": "full, other \\p{Han}",
         "lines": "parse only", "count": "scan only"}


def figures(r):
    """(best wall, events/s, events/s excluding setup) of a runs.tsv row."""
    walls = [float(w) for w in r["walls"].split(",") if w]
    best = min(walls) if walls else float("nan")
    n, setup = int(r["events"]), float(r["setup_s"] or 0)
    rate = n / best if best > 0 else float("nan")
    steady = n / (best - setup) if best > setup else float("nan")
    return walls, best, rate, steady


def num(x, fmt="{:,.0f}"):
    return "—" if x != x else fmt.format(x)  # x != x: NaN


def ratio(a, b):
    return "—" if a != a or b != b or b == 0 else "%.2f×" % (a / b)


def table(args):
    out_dir = os.path.join(args.bench_dir, "out")
    gb = load_runs(os.path.join(out_dir, "groupbot.tsv"))[0]
    peers = load_runs(os.path.join(out_dir, "runs.tsv"))
    _, _, gb_rate, gb_steady = figures(gb)

    rows = ["| engine | task | events | wall s (runs) | setup s | events/s | events/s excl. setup "
            "| peak RSS MB | groupbot ÷ engine | groupbot ÷ engine excl. setup |",
            "|---|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in [gb] + peers:
        walls, best, rate, steady = figures(r)
        name = "**groupbot**" if r is gb else r["peer"]
        if r["rc"] != "0":
            name += " (exit %s)" % r["rc"]
        rows.append("| %s | %s | %s | %s (%s) | %.2f | %s | %s | %.0f | %s | %s |" % (
            name, TASKS.get(r["check"], r["check"]), num(int(r["events"])), num(best, "{:.2f}"),
            ", ".join("%.2f" % w for w in walls), float(r["setup_s"] or 0), num(rate), num(steady),
            int(r["rss_kb"] or 0) / 1024,
            "" if r is gb else ratio(gb_rate, rate), "" if r is gb else ratio(gb_steady, steady)))

    notes = []
    prefix_mb, full_mb = int(gb["prefix_rss_kb"] or 0) / 1024, int(gb["rss_kb"] or 0) / 1024
    notes.append("groupbot peak RSS: %.0f MB on the first %s events, %.0f MB on all %s (%s)." % (
        prefix_mb, num(int(gb["prefix_events"])), full_mb, num(int(gb["events"])),
        "flat" if full_mb <= prefix_mb * 1.25 + 5 else "GROWS with the input"))
    notes.append("events/s = events ÷ best wall time, process start and pattern compilation included; "
                 "'excl. setup' subtracts the wall time of the same command on empty input. "
                 "Ratios above 1 mean groupbot is faster. Peers on a smaller prefix are marked by "
                 "their event count; their rates are still per event.")
    path = os.path.join(out_dir, "groupbot.agreement.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            verdict = [line.strip() for line in f if line.startswith("agreement")]
        notes += verdict
    with open(os.path.join(out_dir, "machine.md"), encoding="utf-8") as f:
        machine = f.read().rstrip()

    text = "\n".join(rows) + "\n\n" + "\n".join("- " + n for n in notes) + "\n"
    print(text, end="")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# groupbot on the peer benchmark\n\n%s\n- groupbot: %s\n\n%s" % (
            machine, gb["description"], text))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("agree", help="check groupbot's actions against a peer's hits")
    a.add_argument("bench_dir")
    a.add_argument("actions")
    a.add_argument("--ref", help="peer to compare with (default: c-hyperscan when it ran)")
    t = sub.add_parser("table", help="print and write the timing table")
    t.add_argument("bench_dir")
    t.add_argument("out")
    args = ap.parse_args()
    return agree(args) if args.cmd == "agree" else table(args)


if __name__ == "__main__":
    sys.exit(main())
