#!/usr/bin/env python3
"""Three `groupbot serve` instances on one PostgreSQL database, under load; one is killed
with SIGKILL halfway. Checks, by action id, that what the instances handed on equals a
single-instance run of the same events (the shared log, replayed with `groupbot run`):
nothing lost, nothing decided twice, every timer fired once (docs/scaling.md).

    GROUPBOT_TEST_POSTGRES=postgres://user:pw@127.0.0.1:55432/db python3 Tests/cluster/failover.py --binary .build/debug/groupbot

The server's role must be allowed to create databases (Tests/postgres/start.sh makes one).
Without GROUPBOT_TEST_POSTGRES the test is skipped with a message.

Actions reach a callback receiver run here (one action per delivery; deliveries are
at-least-once, so a delivery cut short by the kill may come again with the same id: the
receiver drops repeats by id, as Standard Webhooks receivers do, and the test reports them).
The audit log of the database must hold each action exactly once.
"""
import argparse
import http.client
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


class Receiver:
    """The callback URL: records every action delivered, with repeats."""

    def __init__(self):
        self.lock = threading.Lock()
        self.deliveries = []  # action ids, in arrival order, repeats included
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    receiver.deliveries.extend(action["id"] for action in body["actions"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self):
        with self.lock:
            return list(self.deliveries)


def free_port():
    """A free port below Linux's ephemeral range, which the instances' own PostgreSQL
    connections draw from."""
    while True:
        port = random.randint(20000, 32000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue


def psql(url, sql):
    return subprocess.run(["psql", "-q", "-tA", url, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def new_database(server):
    name = "groupbot_failover_" + uuid.uuid4().hex[:12]
    psql(server, f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def workload(groups, events, seed=7):
    """Per group, its events in order: messages that trip every rule, joins into many groups,
    and the same text posted by one member into two groups (a cross-group condition)."""
    rng = random.Random(seed)
    texts = ["请问这个多少钱", "我稍后再问问", "加微信领优惠", "今天天气不错", "已经下单了，谢谢", "有没有优惠券", "收到货了很满意"]
    per_group = {f"g{index:03d}": [] for index in range(groups)}
    names = list(per_group)
    for number in range(events):
        group = rng.choice(names)
        user = f"u{rng.randrange(400):03d}"
        kind = rng.random()
        if kind < 0.08:
            event = {"type": "join", "user": user, "nick": f"新朋友{user}"}
        elif kind < 0.12:
            # The same text in a second group by the same member: the cross-group repeat rule.
            event = {"type": "message", "user": "u-spread", "nick": "到处发", "text": f"团购链接第{number % 50}期"}
        else:
            event = {"type": "message", "user": user, "nick": f"顾客{user}", "text": rng.choice(texts)}
        event.update({"id": f"e{number:05d}", "group": group, "group_name": f"鱼油粉丝{group}群"})
        per_group[group].append(event)
    return per_group


class Cluster:
    def __init__(self, binary, url, receiver, count, folder, failover_ms):
        self.binary, self.url, self.folder = binary, url, folder
        self.processes, self.ports = {}, {}
        for index in range(count):
            name = "abc"[index]
            config = os.path.join(folder, f"{name}.yaml")
            with open(config, "w") as handle:
                handle.write(f"""state: {url}
callback: {{ url: "http://127.0.0.1:{receiver.port}/hook", first_delay_ms: 200, max_delay_ms: 1000 }}
cluster: {{ instance: {name}, partitions: 32, failover_ms: {failover_ms} }}
pacing: {{ account_per_second: 10000, account_burst: 10000, group_per_minute: 10000, group_burst: 10000,
          daily_cap_per_group: 0, schedule_spread_seconds: 0 }}
""")
            self.start(name, config)

    def start(self, name, config):
        log = open(os.path.join(self.folder, f"{name}.log"), "w")
        port = free_port()
        process = subprocess.Popen([self.binary, "serve", "--rules", os.path.join(HERE, "rules"), "--config", config,
                                    "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        self.processes[name], self.ports[name] = process, port
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if process.poll() is not None:
                raise SystemExit(f"instance {name} exited: " + open(log.name).read()[-2000:])
            time.sleep(0.1)
        raise SystemExit(f"instance {name} did not start: " + open(log.name).read()[-2000:])

    def alive(self):
        return [name for name, process in self.processes.items() if process.poll() is None]

    def send(self, event, rng):
        """Sends one event to a live instance; another one when that fails."""
        for attempt in range(50):
            names = self.alive()
            name = rng.choice(names)
            request = urllib.request.Request(f"http://127.0.0.1:{self.ports[name]}/v1/events", data=json.dumps(event).encode(),
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return json.loads(response.read())
            # A reply cut off by the kill (IncompleteRead) is retried like a refused connection:
            # the event may be logged already, and the cluster's log takes each id once.
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, http.client.HTTPException):
                time.sleep(0.05 * (attempt + 1))
        raise SystemExit(f"event {event['id']} could not be sent")

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/groupbot")
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--failover-ms", type=int, default=3000)
    arguments = parser.parse_args()
    server = os.environ.get("GROUPBOT_TEST_POSTGRES", "")
    if not server:
        print("cluster failover: skipped (no PostgreSQL: set GROUPBOT_TEST_POSTGRES, or GROUPBOT_POSTGRES=start for make test; CI starts one)")
        return 0
    binary = os.path.abspath(arguments.binary)
    url = new_database(server)
    receiver = Receiver()
    folder = tempfile.mkdtemp(prefix="groupbot-failover-")
    cluster = Cluster(binary, url, receiver, 3, folder, arguments.failover_ms)
    try:
        # A fourth instance with other rule files would make its engine part ways: refused.
        refused = subprocess.run([binary, "serve", "--rules", os.path.join(HERE, "..", "..", "rules"), "--config",
                                  os.path.join(folder, "a.yaml"), "--port", str(free_port())],
                                 capture_output=True, text=True, timeout=60)
        if refused.returncode == 0 or "every instance must run the same rules" not in refused.stderr:
            raise SystemExit(f"an instance with other rules was not refused: {refused.returncode} {refused.stderr[-500:]}")
        per_group = workload(arguments.groups, arguments.events)
        total = sum(len(events) for events in per_group.values())
        sent = [0]
        lock = threading.Lock()
        killed = {}

        def run_group(group):
            rng = random.Random(group)
            for event in per_group[group]:
                event["ts"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"
                cluster.send(event, rng)
                with lock:
                    sent[0] += 1
                    if not killed and sent[0] >= total // 2:
                        # Halfway: one instance dies at once, mid-request and mid-delivery.
                        killed["b"] = time.time()
                        cluster.processes["b"].send_signal(signal.SIGKILL)

        started = time.time()
        with ThreadPoolExecutor(max_workers=12) as pool:
            list(pool.map(run_group, list(per_group)))
        elapsed = time.time() - started
        print(f"sent {total} events over {arguments.groups} groups to 3 instances in {elapsed:.1f} s; b killed halfway")

        # Wait until every partition has an owner and everything logged is handed on and delivered.
        deadline = time.time() + 120
        while True:
            owners = psql(url, "SELECT COUNT(*) FROM cluster_partitions WHERE owner IN ('a', 'c') AND expires_ms > "
                               "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)")
            behind = psql(url, "SELECT COUNT(*) FROM cluster_partitions WHERE emitted_seq < (SELECT MAX(seq) FROM cluster_log)")
            pending = psql(url, "SELECT COUNT(*) FROM deliveries")
            taken = psql(url, "SELECT MIN(emitted_seq) FROM cluster_partitions")
            if owners == "32" and behind == "0" and pending == "0" and time.time() - started > 8:
                break
            if time.time() > deadline:
                raise SystemExit(f"not settled: {owners} partitions owned by the live instances, {behind} behind, {pending} pending")
            time.sleep(0.5)
        takeover = psql(url, "SELECT COUNT(*) FROM cluster_partitions WHERE owner IN ('a', 'c')")
        print(f"after the kill: {takeover}/32 partitions owned by a and c, all handed on (up to row {taken}), no delivery pending")
        # What an operator sees: the live instances and who owns each partition.
        status = subprocess.run([binary, "cluster", "status", "--state", url], check=True, capture_output=True, text=True).stdout
        owners = [line.split(": ", 1)[1].split(",")[0] for line in status.splitlines() if line.startswith("partition ")]
        if len(owners) != 32 or set(owners) != {"a", "c"} or "instance b: last heartbeat" not in status:
            raise SystemExit("groupbot cluster status does not show a and c owning the 32 partitions and b silent:\n" + status)
    finally:
        cluster.stop()

    # The single-instance run of the same events: the shared log, replayed.
    exported = subprocess.run([binary, "cluster", "log", "--state", url], check=True, capture_output=True).stdout
    replayed = subprocess.run([binary, "run", "--rules", os.path.join(HERE, "rules"), "--clock", "events", "--state", "memory"],
                              input=exported, check=True, capture_output=True).stdout.decode()
    reference = [json.loads(line)["id"] for line in replayed.splitlines() if line.strip()]
    audit = subprocess.run([binary, "log", "--state", url], check=True, capture_output=True, text=True).stdout
    delivered = receiver.ids()
    events_logged = sum(1 for line in exported.decode().splitlines() if '"type":"tick"' not in line)

    problems = []
    if events_logged != total:
        problems.append(f"the log holds {events_logged} events, {total} were sent (each once, whatever the retries)")
    if len(set(reference)) != len(reference):
        problems.append("the reference run repeated an action id")
    lost = set(reference) - set(delivered)
    extra = set(delivered) - set(reference)
    repeats = len(delivered) - len(set(delivered))
    audit_lines = [line for line in audit.splitlines() if line.strip()]
    if lost:
        problems.append(f"{len(lost)} action(s) lost, e.g. {sorted(lost)[:5]}")
    if extra:
        problems.append(f"{len(extra)} action(s) the single instance did not take, e.g. {sorted(extra)[:5]}")
    if len(audit_lines) != len(reference):
        problems.append(f"the audit log holds {len(audit_lines)} actions, the single instance took {len(reference)}")
    timers = [action for action in reference if ":later:" in action]
    cross = [action for action in reference if "same-text-two-groups" in action or "many-groups" in action]
    print(f"single-instance run: {len(reference)} actions ({len(timers)} fired by timers, {len(cross)} from cross-group conditions); "
          f"delivered: {len(set(delivered))} distinct, {repeats} repeated delivery(ies) dropped by id; audit log: {len(audit_lines)}")
    if not timers or not cross:
        problems.append("the workload did not exercise timers and cross-group conditions")
    if problems:
        for problem in problems:
            print("FAIL:", problem)
        print("logs in", folder)
        return 1
    print("cluster failover: ok — nothing lost, nothing decided twice, every timer fired once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
