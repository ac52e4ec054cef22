#!/usr/bin/env python3
"""Crash test for `groupbot serve`: no action may be lost across `kill -9`.

    python3 Tests/chaos/serve_chaos.py --kills 100      # make chaos: a few minutes
    python3 Tests/chaos/serve_chaos.py --quick          # make chaos-quick: well under a minute

The same seeded workload (small JSON arrays of events posted to /v1/events:
FAQ questions, ads, scams, floods, photos, red packets, join requests, and
joins whose welcome goes out a minute later as a signed callback) is run twice:

1. clean: one `serve` on a fresh state file, requests sent one after another,
   stopped with SIGTERM at the end;
2. chaos: another fresh state file; the requests are sent in order (a few at
   a time) while `serve` is killed with SIGKILL at random (seeded) moments and
   restarted on the same state file, on a fresh port. A request that got no
   complete response is sent again, same body and event ids, after the restart.

Every action the clean run produced for the workload's events must show up in
the chaos run, in a response or in a callback (at least once: repeats are
fine, they carry the same id). The callbacks are received by a small HTTP
server on 127.0.0.1 started here, which checks their Standard Webhooks
signature. Exit status 0 when nothing is lost, 1 otherwise (or when the run
itself could not be carried out); the last line is `N passed, M failed`.

Only the Python 3 standard library is used, and only 127.0.0.1 addresses.
"""

import argparse
import base64
import collections
import datetime
import hashlib
import hmac
import http.client
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "support"))

from e2e import (RunFailed, free_port, http_get, http_post, kill_children, launch, log_tail,  # noqa: E402
                 read_body, remove_tmp, run_groupbot, serve_env, sigterm_as_interrupt, start_watchdog,
                 terminate, wait_healthy)

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

# Rules whose outcome depends on the wall-clock time of day rather than on the
# events: `night-quiet` answers questions only between 23:00 and 07:00, so a
# clean run at 06:59 and a chaos run at 07:01 legitimately differ. Its actions
# are left out of the comparison. (Schedules such as `product-of-the-day` are
# left out anyway: their cause is a schedule occurrence, not a workload event.
# The Friday ad slot cannot change the outcome here: no workload group sends
# the red packet the slot requires before an ad.)
TIME_OF_DAY_RULES = {"night-quiet"}

# A delayed action (welcome batch after 60 s, its steps after 1 and 3 more
# minutes, nickname reminders after 10 and 30 minutes) falls due on the wall
# clock. One seen in the clean run is required from the chaos run only when,
# measured from the chaos run's answer to its request, it was due this long
# before the chaos run started to drain: the ticker fires timers at least once
# a second and the worker retries a callback within a second.
TIMER_SLACK_SECONDS = 3.0


# ---------------------------------------------------------------------------
# The workload: realistic messages (from examples/demo.jsonl) in fresh groups.

GROUP_NAMES = {
    # rules/groups.yaml maps groups by name: VIP|会员 → vip, 广告|推广|互推 → ads,
    # 西安|咸阳|宝鸡 → regional, anything else → general.
    "general": "鱼油粉丝福利{n}群",
    "vip": "鱼油VIP会员{n}群",
    "ads": "小寨广告互推{n}群",
    "regional": "西安雁塔区自提{n}群",
}

GOOD_NICKS = ["西安-王芳-鱼油", "北京-赵敏-鱼油", "咸阳-刘洋-钙片", "宝鸡-李娜-维生素E", "上海-孙倩-鱼油",
              "南京-陈静-鱼油", "合肥-吴越-钙片", "苏州-钱多多-维生素E", "杭州-周敏-钙片", "成都-何静-维生素E"]
PLAIN_NICKS = ["Sunny", "小美", "快乐每一天", "A小雨", "Linda", "Mike", "开心果", "李姐", "小鹿", "王阿姨"]
REGIONAL_NICKS = ["西安-雁塔区-王芳", "咸阳-秦都区-刘洋", "宝鸡-渭滨区-李娜", "西安-长安区-吴昊"]
ADS_NICKS = ["雁塔-老马-家政保洁", "小寨-刘姐-美甲", "兴庆-小王-搬家"]


class RequestBuilder:
    """Events of one request: fresh event ids, groups and users, texts that trigger rules."""

    def __init__(self, index, rng):
        self.index = index
        self.rng = rng
        self.events = []
        self.groups = 0
        self.users = 0

    def group(self, kind):
        self.groups += 1
        gid = "cg-%05d-%d" % (self.index, self.groups)
        return {"group": gid, "group_name": GROUP_NAMES[kind].format(n=self.index % 1000 + 1), "kind": kind}

    def user(self):
        self.users += 1
        return "cu-%05d-%d" % (self.index, self.users)

    def add(self, g, type_, user, nick=None, **fields):
        event_id = "ce-%05d-%02d" % (self.index, len(self.events))
        event = {"type": type_, "id": event_id, "group": g["group"], "group_name": g["group_name"], "user": user}
        if nick is not None:
            event["nick"] = nick
        event.update(fields)
        self.events.append(event)
        return event_id

    def msg(self, g, text, user=None, nick=None, kind="text", **fields):
        user = user or self.user()
        nick = nick or self.rng.choice(GOOD_NICKS + PLAIN_NICKS)
        return self.add(g, "message", user, nick, role=fields.pop("role", "member"), kind=kind, text=text, **fields)


def one_of(*texts, kind="text", **fields):
    return lambda b, g: b.msg(g, b.rng.choice(texts), kind=kind, **fields)


def ad_twice_pardoned(b, g):
    user, nick = b.user(), b.rng.choice(PLAIN_NICKS)
    b.msg(g, "招宝妈兼职，在家用手机就能做，日结200+，有意者加微信 bm8866", user=user, nick=nick)
    second = b.msg(g, "宝妈在家就能做，加 薇 信：b m 8 8 6 6 详聊", user=user, nick=nick)
    if b.rng.random() < 0.5:
        b.msg(g, "赦免 刘姐是老顾客，帮朋友问的", user=b.user(), nick="鲜海-阿杰-运营", role="admin", reply_to=second)


def admin_trust(b, g):
    member = b.user()
    b.msg(g, "群主，我想发个孩子学校的投票链接，可以吗？", user=member, nick=b.rng.choice(PLAIN_NICKS))
    b.msg(g, "信任 可以的，发吧", user=b.user(), nick="鲜海-陈姐-群主", role="owner", mentions=[member])


def flood(text):
    def step(b, g):
        user, nick = b.user(), b.rng.choice(PLAIN_NICKS)
        for _ in range(3 if g["kind"] != "ads" else 2):
            b.msg(g, text, user=user, nick=nick)
    return step


def joins(good_nicks):
    """1 to 3 newcomers: a welcome batch due 60 s later (a callback); sometimes a rename at once."""
    def step(b, g):
        count = b.rng.randint(40, 480)
        first = None
        for _ in range(b.rng.randint(1, 3)):
            count += 1
            user = b.user()
            nick = b.rng.choice(PLAIN_NICKS)
            b.add(g, "join", user, nick, role="member", member_count=count)
            first = first or (user, nick)
        if b.rng.random() < 0.5:
            b.add(g, "rename", first[0], b.rng.choice(good_nicks), role="member", old_nick=first[1])
    return step


def join_request(text):
    return lambda b, g: b.add(g, "join_request", b.user(), b.rng.choice(GOOD_NICKS + PLAIN_NICKS), text=text)


STEPS = {
    "general": [
        one_of("鱼油多少钱一瓶呀？", "维生素E什么价？", "钙片价格呢"),
        one_of("我上周买的钙片还没发货，帮忙查下物流", "我的也是，啥时候发货啊"),
        one_of("收到的鱼油瓶子破了，还漏液，怎么办", "怎么退款啊，买错了"),
        one_of("可以开发票吗，公司报销要用"),
        one_of("打卡", "签到"),
        one_of("分享一下我吃了一个月鱼油的感受", "本周会员日活动详情，大家点开看看～", kind="link"),
        one_of("帮我砍一刀吧姐妹们，谢谢啦", kind="card"),
        one_of("帮我投一票，谢谢大家", kind="link"),
        one_of("鱼油到货啦，晒一下，包装很严实👍", kind="image"),
        one_of("有没有一起做副业的姐妹，感兴趣的私聊我"),
        one_of("手机兼职刷单，一单一结，稳赚不赔，私聊"),
        one_of("直播预热红包，手快有手慢无", kind="red_packet", amount=8.8),
        one_of("招宝妈兼职，在家用手机就能做，日结200+，有意者加微信 bm8866", "有需要日本代购的加我微信",
               "我朋友也想买，可以打我电话15109876543帮她下单吗"),
        ad_twice_pardoned,
        admin_trust,
        flood("早上好各位"),
        joins(GOOD_NICKS),
        joins(GOOD_NICKS),
        join_request("我是老顾客，订单号：2026111512034"),
        join_request("朋友推荐的，想进群看看"),
    ],
    "vip": [
        one_of("请问专属客服是哪位？"),
        one_of("我的积分在哪里查呀", "积分能换什么东西？", "我也想知道积分怎么用"),
        one_of("生日礼怎么领？下周就是我生日了"),
        one_of("我换手机号了，新号18912345678，客服帮我改一下"),
        one_of("有没有一起做副业的姐妹，感兴趣的私聊我"),
        one_of("手机兼职刷单，一单一结，稳赚不赔，私聊"),
        joins(GOOD_NICKS),
    ],
    "ads": [
        one_of("雁塔区家政保洁，擦玻璃、深度保洁都能做，电话13891234567", "兴庆区搬家拉货，价格实惠，电话 13319876543",
               "小寨美甲店开业啦，前20名半价，扫码关注还有小礼物"),
        flood("雁塔区家政保洁，擦玻璃、深度保洁都能做，电话13891234567"),
        one_of("手机兼职刷单，一单一结，稳赚不赔，私聊"),
        joins(ADS_NICKS),
    ],
    "regional": [
        one_of("门店地址在哪里来着？我想下班顺路去", "宝鸡那边有门店吗？地址在哪"),
        one_of("营业时间是几点到几点呀", "明天自提点几点开门？"),
        one_of("我住长安区，附近有自提点吗", "今天的货到了吗？去哪拿"),
        one_of("需要开专票的朋友加我微信或打13700001234，我统一处理"),
        joins(REGIONAL_NICKS),
    ],
}
KINDS = ["general", "general", "general", "vip", "ads", "regional"]


def two_general_groups(b):
    """One member joins two general groups in one request: `one-general-group` tells them."""
    first, second = b.group("general"), b.group("general")
    user, nick = b.user(), b.rng.choice(GOOD_NICKS)
    b.add(first, "join", user, nick, role="member", member_count=b.rng.randint(50, 300))
    b.add(second, "join", user, nick, role="member", member_count=b.rng.randint(50, 300))
    b.rng.choice(STEPS["general"])(b, second)


def make_workload(count, seed):
    """`count` requests, each the events of one or two fresh groups (so no request's
    outcome depends on the order or timing of another)."""
    rng = random.Random(seed)
    requests = []
    for index in range(count):
        b = RequestBuilder(index, rng)
        if rng.random() < 0.06:
            two_general_groups(b)
        else:
            for _ in range(2 if rng.random() < 0.15 else 1):
                kind = rng.choice(KINDS)
                g = b.group(kind)
                for step in rng.sample(STEPS[kind], rng.randint(1, 3)):
                    step(b, g)
        requests.append(b.events)
    return requests


def request_body(events):
    """The body posted for a request: its events with `ts` now (serve runs on the wall clock)."""
    now = datetime.datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
    return json.dumps([dict(event, ts=now) for event in events], ensure_ascii=False).encode("utf-8")


def parse_ts(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


# ---------------------------------------------------------------------------
# The callback receiver.

class Receiver:
    """Records the actions `serve` posts to its callback URL (answers 200 to every POST)."""

    def __init__(self, secret_key):
        self.lock = threading.Lock()
        self.actions = []          # (received at, action) for every action of every callback
        self.posts = 0
        self.bad_signatures = 0
        self.unreadable = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 30

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = read_body(self)
                receiver.record(self.headers, body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a killed serve resets its connection: expected here, not worth a traceback

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.secret_key = secret_key
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/groupbot/actions" % self.port

    def signature_ok(self, headers, body):
        webhook_id, timestamp = headers.get("webhook-id"), headers.get("webhook-timestamp")
        given = (headers.get("webhook-signature") or "").split()
        if not webhook_id or not timestamp or not given:
            return False
        digest = hmac.new(self.secret_key, ("%s.%s." % (webhook_id, timestamp)).encode() + body, hashlib.sha256).digest()
        expected = "v1," + base64.b64encode(digest).decode()
        return any(hmac.compare_digest(expected, signature) for signature in given)

    def record(self, headers, body):
        now = time.time()
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("actions"), list):
            actions = payload["actions"]
        elif isinstance(payload, list):
            actions = payload
        elif isinstance(payload, dict) and "id" in payload:
            actions = [payload]
        else:
            actions = None
        with self.lock:
            self.posts += 1
            if not self.signature_ok(headers, body):
                self.bad_signatures += 1
            if actions is None:
                self.unreadable += 1
                return
            for action in actions:
                if isinstance(action, dict) and isinstance(action.get("id"), str):
                    self.actions.append((now, action))
                else:
                    self.unreadable += 1

    def snapshot(self):
        with self.lock:
            return list(self.actions)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------------------
# Running `groupbot serve`.

def http_get_json(port, path, timeout=2.0):
    status, data = http_get(port, path, timeout=timeout)
    if status != 200:
        raise RunFailed("GET %s answered %d: %s" % (path, status, data[:200]))
    return data


def post_events(port, body, timeout):
    """(status, parsed JSON or raw bytes); raises OSError/HTTPException/ValueError when no
    complete response arrived."""
    status, data = http_post(port, "/v1/events", body, {"Content-Type": "application/json", "Connection": "close"},
                             timeout=timeout)
    if status != 200:
        return status, data
    return 200, json.loads(data.decode("utf-8"))


SEND_ERRORS = (OSError, http.client.HTTPException, ValueError)


class Serve:
    """Starts `groupbot serve` on a fresh random port of 127.0.0.1, as often as needed."""

    def __init__(self, binary, rules, config, log_path, env, port_rng, deadline):
        self.binary, self.rules, self.config = binary, rules, config
        self.log_path, self.env = log_path, env
        self.port_rng = port_rng
        self.deadline = deadline

    def start(self, state):
        last_problem = None
        for _ in range(6):
            port = free_port(self.port_rng)
            command = [str(self.binary), "serve", "--rules", str(self.rules), "--state", str(state),
                       "--port", str(port), "--config", str(self.config)]
            proc = launch(command, self.log_path, "serve on port %d" % port, self.env)
            why = wait_healthy(proc, port, limit=30, interval=0.02, deadline=self.deadline)
            if why is None:
                return proc, port
            if why == "deadline":
                raise RunFailed("overall time limit reached while serve was starting")
            if why == "limit":
                raise RunFailed("serve did not answer /healthz within 30 s\n%s" % log_tail(self.log_path, 15))
            # e.g. the port was taken meanwhile: try another
            last_problem = "serve exited with status %s before answering /healthz" % proc.returncode
        raise RunFailed("%s (6 tries)\n%s" % (last_problem, log_tail(self.log_path, 15)))


def wait_for_deliveries(proc, port, deadline, limit=30.0):
    """Waits until the delivery ledger has nothing pending; returns the last /healthz."""
    started = time.time()
    health = {}
    while time.time() - started < limit and time.time() < deadline:
        if proc.poll() is not None:
            raise RunFailed("serve exited with status %s while deliveries drained" % proc.returncode)
        try:
            health = http_get_json(port, "/healthz")
            if health.get("deliveries_pending") == 0:
                return health
        except (OSError, http.client.HTTPException, ValueError):
            pass
        time.sleep(0.1)
    return health


def stop_gracefully(proc, timeout=20.0):
    """SIGTERM; SIGKILL if it does not stop in time. Returns the exit status."""
    if not terminate(proc, timeout):
        raise RunFailed("serve did not stop within %.0f s of SIGTERM" % timeout)
    return proc.returncode


def write_config(path, receiver):
    path.write_text(
        "host: 127.0.0.1\n"
        "reload: false\n"
        "callback:\n"
        "  url: %s\n"
        "  max_attempts: 100\n"
        "  first_delay_ms: 100\n"
        "  max_delay_ms: 1000\n"
        "  timeout_ms: 5000\n"
        # This test is about crashes, not rates: pacing wide open, no daily cap, no spread.
        "pacing:\n"
        "  account_per_second: 10000\n"
        "  account_burst: 10000\n"
        "  group_per_minute: 10000\n"
        "  group_burst: 10000\n"
        "  daily_cap_per_group: 0\n"
        "  schedule_spread_seconds: 0\n" % receiver.url,
        encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# The two runs.

class Answer:
    def __init__(self, sent_at, answered_at, reply):
        self.sent_at = sent_at
        self.answered_at = answered_at
        self.processed = reply.get("processed")
        self.duplicates = reply.get("duplicates")
        self.actions = reply.get("actions") or []


def check_reply(index, events, status, reply):
    if status == 200:
        if not isinstance(reply, dict) or not isinstance(reply.get("actions"), list):
            raise ValueError("not a {processed, duplicates, actions} object")
        if (reply.get("processed") or 0) + (reply.get("duplicates") or 0) != len(events):
            raise RunFailed("request %d: %d events but processed %s + duplicates %s"
                            % (index, len(events), reply.get("processed"), reply.get("duplicates")))
        return True
    if 400 <= status < 500 and status not in (408, 429):
        raise RunFailed("request %d refused with %d: %s" % (index, status, reply[:300]))
    return False


def new_state(ctx, name):
    """A fresh state: a SQLite file in the run's folder, or a new PostgreSQL database (--postgres)."""
    if not ctx.postgres:
        return ctx.tmp / (name + ".sqlite")
    database = "groupbot_chaos_%s_%s" % (name, ctx.tmp.name.rsplit("-", 1)[-1].lower().replace("_", ""))
    subprocess.run(["psql", "-q", ctx.postgres, "-c", "CREATE DATABASE %s" % database], check=True, capture_output=True)
    return ctx.postgres.rsplit("/", 1)[0] + "/" + database


def clean_run(ctx):
    receiver = Receiver(ctx.secret_key)
    config = write_config(ctx.tmp / "clean.yaml", receiver)
    serve = Serve(ctx.binary, ctx.rules, config, ctx.tmp / "clean.log", ctx.env, ctx.port_rng, ctx.deadline)
    started = time.time()
    proc, port = serve.start(new_state(ctx, "clean"))
    answers = []
    try:
        for index, events in enumerate(ctx.workload):
            body = request_body(events)
            for attempt in range(3):
                sent = time.time()
                try:
                    status, reply = post_events(port, body, timeout=30)
                    if check_reply(index, events, status, reply):
                        break
                except SEND_ERRORS as error:
                    status, reply = None, error
                if proc.poll() is not None:
                    raise RunFailed("clean run: serve exited with status %s\n%s"
                                    % (proc.returncode, log_tail(serve.log_path, 15)))
                time.sleep(0.2)
            else:
                raise RunFailed("clean run: request %d got no answer: %s %r" % (index, status, reply))
            answers.append(Answer(sent, time.time(), reply))
            if reply["duplicates"]:
                raise RunFailed("clean run: request %d answered %d duplicate(s) on a fresh state file" % (index, reply["duplicates"]))
            if time.time() > ctx.deadline:
                raise RunFailed("overall time limit reached during the clean run")
        sent_all = time.time() - started
        # Let the first requests' welcomes fall due (60 s after their joins).
        hold_until = min(started + ctx.settle, ctx.deadline - ctx.reserve)
        while time.time() < hold_until:
            if proc.poll() is not None:
                raise RunFailed("clean run: serve exited with status %s" % proc.returncode)
            time.sleep(0.2)
        health = wait_for_deliveries(proc, port, ctx.deadline)
        status = stop_gracefully(proc)
        time.sleep(1.0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        receiver.stop()
    return {"answers": answers, "callbacks": receiver.snapshot(), "receiver": receiver, "health": health,
            "exit": status, "seconds": time.time() - started, "sending": sent_all}


class ChaosRun:
    """Senders post the requests in order, `concurrency` at a time; the main thread kills
    and restarts `serve`. A request without a complete response goes back to the front
    of the queue and is sent again once a new server is up."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.cond = threading.Condition()
        self.pending = collections.deque(range(len(ctx.workload)))
        self.bodies = {}
        self.answers = [None] * len(ctx.workload)
        self.attempts = [[] for _ in ctx.workload]  # (server generation, outcome)
        self.answered = 0
        self.generation = 0
        self.port = None
        self.up = False
        self.stopping = False
        self.failure = None
        self.unexpected_failures = []  # failed while no kill was going on

    def all_answered(self):
        return self.answered == len(self.ctx.workload)

    def sender(self):
        try:
            self._sender()
        except BaseException as error:  # surfaces in the main thread
            with self.cond:
                self.failure = self.failure or error
                self.cond.notify_all()

    def _sender(self):
        workload = self.ctx.workload
        while True:
            with self.cond:
                while not self.stopping and not (self.up and self.pending):
                    if self.all_answered():
                        return
                    self.cond.wait(0.1)
                if self.stopping:
                    return
                index = self.pending.popleft()
                generation, port = self.generation, self.port
                body = self.bodies.setdefault(index, request_body(workload[index]))
            sent = time.time()
            try:
                status, reply = post_events(port, body, timeout=30)
                ok = check_reply(index, workload[index], status, reply)
                outcome = "ok" if ok else "HTTP %s" % status
            except SEND_ERRORS as error:
                ok, outcome = False, type(error).__name__
            with self.cond:
                self.attempts[index].append((generation, outcome))
                if ok:
                    self.answers[index] = Answer(sent, time.time(), reply)
                    self.answered += 1
                    self.cond.notify_all()
                    continue
                self.pending.appendleft(index)  # sent again first: the order is kept
                if self.up and self.generation == generation:
                    self.unexpected_failures.append((index, generation, outcome))
                # Wait for the next server (or, after a failure no kill explains, briefly).
                waited = time.time()
                while not self.stopping and self.generation == generation and time.time() - waited < 0.5:
                    self.cond.wait(0.05)

    def run(self):
        ctx = self.ctx
        receiver = Receiver(ctx.secret_key)
        config = write_config(ctx.tmp / "chaos.yaml", receiver)
        serve = Serve(ctx.binary, ctx.rules, config, ctx.tmp / "chaos.log", ctx.env, ctx.port_rng, ctx.deadline)
        state = new_state(ctx, "chaos")
        kill_rng = random.Random(ctx.seed * 7919 + 17)
        threads = [threading.Thread(target=self.sender, daemon=True) for _ in range(ctx.concurrency)]
        started = time.time()
        kills, self_exits, restarts = 0, [], 0
        proc = None
        try:
            for thread in threads:
                thread.start()
            while True:
                proc, port = serve.start(state)
                restarts += 1
                with self.cond:
                    self.generation += 1
                    self.port, self.up = port, True
                    self.cond.notify_all()
                if self.all_answered() and kills >= ctx.kills:
                    break
                if kills >= ctx.kills:
                    self.wait_until(lambda: self.all_answered(), proc)
                    if proc.poll() is None:
                        break  # this server stays up to drain
                else:
                    if self.all_answered():
                        time.sleep(kill_rng.uniform(0.05, 0.4))  # an idle server: recovery and timers
                    else:
                        # Spread the kills over the requests: about `quota` answers between two.
                        quota = (len(ctx.workload) - self.answered) / float(ctx.kills - kills)
                        target = self.answered + kill_rng.randint(0, max(1, int(2 * quota)))
                        self.wait_until(lambda: self.answered >= target or self.all_answered(), proc)
                        time.sleep(kill_rng.uniform(0.0, 0.015))  # lands among requests in flight
                with self.cond:
                    self.up = False
                if proc.poll() is None:
                    proc.kill()
                    kills += 1
                else:
                    self_exits.append(proc.returncode)
                proc.wait()
                # Next: a fresh server on the same state file (after the last kill, the one
                # that drains what is left).
            if self.failure is not None:
                raise self.failure
            # Final server: let due timers fire (and welcomes of late requests fall due),
            # then wait for the callbacks to drain before stopping it.
            time.sleep(2.0)
            hold_until = min(self.timer_hold_until(), ctx.deadline - ctx.reserve)
            while time.time() < hold_until:
                if proc.poll() is not None:
                    raise RunFailed("chaos run: serve exited with status %s" % proc.returncode)
                time.sleep(0.2)
            drain_started = time.time()
            health = wait_for_deliveries(proc, port, ctx.deadline)
            with self.cond:
                self.stopping = True
                self.up = False
                self.cond.notify_all()
            status = stop_gracefully(proc)
            time.sleep(2.0)  # a few seconds for anything still on its way
        finally:
            with self.cond:
                self.stopping = True
                self.cond.notify_all()
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
            receiver.stop()
            for thread in threads:
                thread.join(timeout=5)
        leftover = deliveries_left(ctx, state)
        return {"answers": self.answers, "attempts": self.attempts, "callbacks": receiver.snapshot(),
                "receiver": receiver, "kills": kills, "self_exits": self_exits, "restarts": restarts,
                "unexpected": self.unexpected_failures, "health": health, "exit": status,
                "drain_started": drain_started, "leftover": leftover, "seconds": time.time() - started,
                "log": serve.log_path}

    def wait_until(self, condition, proc):
        with self.cond:
            while not condition():
                if self.failure is not None:
                    raise self.failure
                if proc.poll() is not None:
                    return  # exited on its own: the main loop notes it and restarts
                if time.time() > self.ctx.deadline:
                    raise RunFailed("overall time limit reached during the chaos run (%d of %d requests answered)"
                                    % (self.answered, len(self.ctx.workload)))
                self.cond.wait(0.02)

    def timer_hold_until(self):
        """When the delayed actions seen in the clean run are due in this run (within the hold)."""
        latest = time.time()
        cap = time.time() + self.ctx.settle
        for _, index, delay in self.ctx.clean_timers:
            due = self.answers[index].answered_at + delay + TIMER_SLACK_SECONDS
            if latest < due <= cap:
                latest = due
        return latest


def deliveries_left(ctx, state):
    """`groupbot deliveries list` on the chaos state file after the stop (information only)."""
    try:
        _, output = run_groupbot(ctx.binary, ["deliveries", "list", "--state", state], ctx.env, timeout=30)
        return output.strip().splitlines()[0:1]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return []


# ---------------------------------------------------------------------------

def expectations(ctx, clean):
    """The clean run's actions caused by workload events: those in responses, and the
    delayed ones that came by callback, each with its delay after its request was sent."""
    cause_of_request = {event["id"]: index for index, events in enumerate(ctx.workload) for event in events}

    def counted(action):
        return action.get("cause") in cause_of_request and action.get("rule") not in TIME_OF_DAY_RULES

    immediate = {}
    for answer in clean["answers"]:
        for action in answer.actions:
            if counted(action):
                immediate[action["id"]] = action
    timers = {}
    for _, action in clean["callbacks"]:
        if counted(action) and action["id"] not in immediate and action["id"] not in timers:
            index = cause_of_request[action["cause"]]
            delay = parse_ts(action["ts"]) - clean["answers"][index].sent_at
            timers[action["id"]] = (action, index, max(0.0, delay))
    return cause_of_request, counted, immediate, timers


def compare(ctx, clean, chaos):
    cause_of_request, counted, immediate, timers = expectations(ctx, clean)
    chaos_responses, chaos_callbacks = {}, {}
    for answer in chaos["answers"]:
        for action in answer.actions:
            chaos_responses[action["id"]] = action
    callback_count = collections.Counter()
    for _, action in chaos["callbacks"]:
        chaos_callbacks[action["id"]] = action
        callback_count[action["id"]] += 1
    seen = set(chaos_responses) | set(chaos_callbacks)

    required = dict(immediate)
    not_due = 0
    for action_id, (action, index, delay) in timers.items():
        if chaos["answers"][index].answered_at + delay + TIMER_SLACK_SECONDS <= chaos["drain_started"]:
            required[action_id] = action
        else:
            not_due += 1
    lost = sorted(set(required) - seen)
    chaos_distinct = {i for i in seen if counted((chaos_responses.get(i) or chaos_callbacks.get(i)))}
    return {
        "immediate": immediate, "timers": timers, "required": required, "not_due": not_due, "lost": lost,
        "chaos_distinct": chaos_distinct, "chaos_responses": chaos_responses, "chaos_callbacks": chaos_callbacks,
        "callback_repeats": sum(n - 1 for n in callback_count.values()),
        "recovered": sorted(i for i in chaos_callbacks if i in immediate and i not in chaos_responses),
        "cause_of_request": cause_of_request,
    }


def report(ctx, clean, chaos, result):
    answers = chaos["answers"]
    resends = sum(len(a) - 1 for a in chaos["attempts"])
    duplicate_answers = sum(1 for a in answers if a.duplicates)
    print("clean run: %.1f s (requests sent in %.1f s), %d action(s) caused by the workload: %d in responses, "
          "%d by callback after a delay; %d callback POST(s), exit status %s"
          % (clean["seconds"], clean["sending"], len(result["immediate"]) + len(result["timers"]), len(result["immediate"]),
             len(result["timers"]), clean["receiver"].posts, clean["exit"]))
    print("chaos run: %.1f s, %d server start(s), %d kill(s), %d re-sent request(s), %d answered (partly) as duplicates; "
          "%d callback POST(s) (%d repeated id(s)), %d immediate action(s) arrived only by callback; exit status %s"
          % (chaos["seconds"], chaos["restarts"], chaos["kills"], resends, duplicate_answers,
             chaos["receiver"].posts, result["callback_repeats"], len(result["recovered"]), chaos["exit"]))
    if result["not_due"]:
        print("note: %d delayed action(s) of the clean run were not yet due when the chaos run stopped; not compared"
              % result["not_due"])
    if chaos["leftover"]:
        print("chaos state file after the stop: %s" % chaos["leftover"][0])
    for receiver, name in ((clean["receiver"], "clean"), (chaos["receiver"], "chaos")):
        if receiver.bad_signatures or receiver.unreadable:
            print("warning: %s run callbacks: %d with a bad Standard Webhooks signature, %d unreadable"
                  % (name, receiver.bad_signatures, receiver.unreadable))
    if chaos["unexpected"]:
        print("warning: %d request attempt(s) failed while no kill was going on, e.g. %s"
              % (len(chaos["unexpected"]), chaos["unexpected"][:3]))
    if chaos["self_exits"]:
        print("FAIL: serve exited on its own %d time(s) during the chaos run (status %s); see the log below\n%s"
              % (len(chaos["self_exits"]), chaos["self_exits"][:5], log_tail(chaos["log"], 15)))
    print("summary: kills=%d requests=%d clean_actions=%d chaos_distinct=%d lost=%d"
          % (chaos["kills"], len(ctx.workload), len(result["required"]), len(result["chaos_distinct"]),
             len(result["lost"])))
    if result["lost"]:
        print("lost action ids (id, action, rule; the request's attempts as server generation:outcome; its final answer):")
        for action_id in result["lost"][:200]:
            action = result["required"][action_id]
            index = result["cause_of_request"][action["cause"]]
            attempts = " ".join("%d:%s" % attempt for attempt in chaos["attempts"][index])
            final = answers[index]
            kind = "delayed" if action_id in result["timers"] else "immediate"
            print("  %s  %s %s (%s)  request %d [%s]  processed=%s duplicates=%s"
                  % (action_id, action.get("action"), action.get("rule"), kind, index, attempts,
                     final.processed, final.duplicates))
        if len(result["lost"]) > 200:
            print("  … and %d more" % (len(result["lost"]) - 200))


class Context:
    pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(REPO / ".build" / "debug" / "groupbot"),
                        help="the groupbot binary (default .build/debug/groupbot)")
    parser.add_argument("--kills", type=int, help="at least this many SIGKILLs in the chaos run (default 100; --quick 5)")
    parser.add_argument("--requests", type=int, help="requests in the workload (default 10 per kill, at least 40; --quick 150)")
    parser.add_argument("--seed", type=int, default=20261207, help="seed of the workload and of the kill moments")
    parser.add_argument("--concurrency", type=int, help="requests in flight at once in the chaos run (default 3; --quick 2)")
    parser.add_argument("--settle", type=float,
                        help="seconds the clean run lasts at least, so the first welcomes (60 s) fall due "
                             "(default 75; --quick 0: no delayed action is compared)")
    parser.add_argument("--timeout", type=float, help="hard limit for the whole run in seconds (default 900; --quick 60)")
    parser.add_argument("--quick", action="store_true", help="5 kills, a small workload, well under a minute")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (state files, serve logs)")
    parser.add_argument("--postgres", metavar="URL", default=None,
                        help="keep the states in new databases on this PostgreSQL server (its role may create databases) "
                             "instead of SQLite files")
    args = parser.parse_args(argv)

    quick = args.quick
    ctx = Context()
    ctx.seed = args.seed
    ctx.kills = args.kills if args.kills is not None else (5 if quick else 100)
    count = args.requests if args.requests is not None else (150 if quick else max(40, 10 * ctx.kills))
    ctx.concurrency = max(1, args.concurrency or (2 if quick else 3))
    ctx.settle = args.settle if args.settle is not None else (0.0 if quick else 75.0)
    timeout = args.timeout if args.timeout is not None else (60.0 if quick else 900.0)
    ctx.deadline = time.time() + timeout
    ctx.reserve = min(15.0, timeout / 6)  # kept for draining, stopping and comparing
    ctx.binary = Path(args.binary).resolve()
    ctx.rules = REPO / "rules"
    ctx.port_rng = random.Random(args.seed * 31 + 5)
    ctx.postgres = args.postgres
    if count < 1 or ctx.kills < 0:
        parser.error("--requests must be at least 1 and --kills at least 0")
    if not os.access(str(ctx.binary), os.X_OK):
        print("FAIL: %s is not an executable (run `make build`, or pass --binary)" % ctx.binary)
        print("0 passed, 1 failed")
        return 1

    ctx.tmp = Path(tempfile.mkdtemp(prefix="groupbot-chaos-"))
    key = random.Random(args.seed).getrandbits(192).to_bytes(24, "big")
    ctx.secret_key = key
    ctx.env = serve_env(GROUPBOT_CALLBACK_SECRET="whsec_" + base64.b64encode(key).decode())
    ctx.workload = make_workload(count, args.seed)
    ctx.clean_timers = []

    def on_timeout():
        print("FAIL: hard time limit of %.0f s reached; stopping everything" % timeout, flush=True)
        kill_children()
        if not args.keep:
            shutil.rmtree(str(ctx.tmp), ignore_errors=True)
        print("0 passed, 1 failed", flush=True)
        os._exit(1)

    watchdog = start_watchdog(timeout + 5, on_timeout)
    sigterm_as_interrupt()
    failed = True
    try:
        events = sum(len(r) for r in ctx.workload)
        print("serve chaos: seed=%d requests=%d events=%d kills>=%d concurrency=%d binary=%s"
              % (ctx.seed, count, events, ctx.kills, ctx.concurrency, ctx.binary), flush=True)
        clean = clean_run(ctx)
        ctx.clean_timers = [(i, index, delay) for i, (_, index, delay) in expectations(ctx, clean)[3].items()]
        print("clean run done in %.1f s; chaos run…" % clean["seconds"], flush=True)
        chaos = ChaosRun(ctx).run()
        result = compare(ctx, clean, chaos)
        report(ctx, clean, chaos, result)
        if not result["required"]:
            print("FAIL: the clean run produced no action to compare; the workload triggers no rule")
        else:
            failed = bool(result["lost"]) or bool(chaos["self_exits"])
    except RunFailed as error:
        print("FAIL: %s" % error)
    except KeyboardInterrupt as error:
        print("interrupted (%s)" % (error or "Ctrl-C"))
    except Exception:
        import traceback
        traceback.print_exc(file=sys.stdout)
        print("FAIL: the test itself broke (above)")
    finally:
        watchdog.cancel()
        kill_children()
        remove_tmp(ctx.tmp, args.keep)
    print("%d passed, %d failed" % ((0, 1) if failed else (1, 0)), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
