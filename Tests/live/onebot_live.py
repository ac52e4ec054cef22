#!/usr/bin/env python3
"""End-to-end test of `groupbot serve` against a scripted OneBot v11 implementation.

    python3 Tests/live/onebot_live.py --binary .build/debug/groupbot            # about 2 minutes
    python3 Tests/live/onebot_live.py --binary .build/debug/groupbot --quick    # a 10 s outage instead of 60 s
    python3 Tests/live/onebot_live.py --only welcome,dm --keep                  # some scenarios; keep the temp dir
    python3 Tests/live/onebot_live.py --list

`fake_onebot.FakeOneBot` plays the OneBot implementation: it answers groupbot's API
calls from a scripted world (groups named after rules/groups.yaml's patterns, members
with cards and roles, the bot's friends), enforces a rate limit on sent messages, and
posts reports to groupbot's `POST /onebot/v11` signed with `X-Signature` the way
go-cqhttp and NapCat do: a join notice carries ids only, so groupbot has to look the
newcomer and the group up.

Two `groupbot serve` processes run side by side, each with a fake of its own (one bot
account each), a state file and a `record:` file in a temporary directory:

  A  rules/ as shipped; onebot.dm_through_group: true, an admin (10086, a friend of
     the bot) and an admin group.                  smoke, memberships, dm-group, outage
  B  a copy of rules/ with one more group type (`morning`: groups named "每日早报…"
     get a post at a minute a little ahead of the start); dm_through_group off,
     dm_fallback: group.                           welcome, dm-fallback, pacing, record

Scenarios (each can run alone with --only; a prefix selects several, `dm` = both dm-*):

  smoke        serve starts with the options it has always had; reports are verified
               (X-Signature), decoded and answered with a quick operation; API calls
               carry the access token
  welcome      a join notice (ids only) -> the welcome names the newcomer by nickname,
               the group by name and gives get_group_info's member count (238)
  memberships  a member known only from get_group_member_list of group P1, and one who
               only posted in P1, join P2 -> one-general-group fires for both (and not
               for a newcomer who is in no other group)
  dm-group     with dm_through_group, the ad ladder's first DM to a non-friend goes as
               send_private_msg with group_id: a temporary chat (临时会话) the fake accepts
  dm-fallback  without it, the fake refuses the DM (retcode 103) and groupbot falls back
               to an @-mention in the group; `groupbot log` shows rule dm_fallback
  pacing       200 groups get a scheduled post, and 15 members of one group post scam
               bait at once (15 notices into the admin group): all arrive, each once,
               with no rate-limit violation, none leaks into the member group, and the
               spacing of every message sent keeps to the pacing configured (per account
               over any window from 0.5 to 30 s, per group over 10 to 60 s)
  outage       the fake's API goes away for 60 s (--quick: 10 s; first half answering
               503, then refusing connections) while reports keep coming (ads, scam
               bait, a price question); quick operations keep working, and afterwards
               every expected call arrives once, matching `groupbot log`'s dm and notify
               lines text for text, paced like any other burst
  record       the `record:` file holds the events as run, enriched (group_name, nick,
               role, member_count, inviter) and the `member` events of the member list

The last line is `onebot live: ok` when every selected scenario passed (exit 0),
otherwise `onebot live: N of M scenario(s) failed` (exit 1). serve and the fakes are
always stopped at the end.

Configuration keys this test writes (see docs/adapters.md, "Configuration"): host,
port, state, reload, record, callback.{max_attempts, first_delay_ms, max_delay_ms,
timeout_ms}, onebot.{api_url, admins, admin_group, dm_through_group, dm_fallback,
platform_info, info_ttl_seconds}, pacing.{account_per_second, account_burst,
group_per_minute, group_burst, daily_cap_per_group, schedule_spread_seconds}.
`--basic-config` writes only the keys older builds know (no record, pacing,
dm_fallback, platform_info, info_ttl_seconds); a run of `--only smoke` does so too.

Only the Python 3 standard library is used, and only 127.0.0.1 addresses.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "support"))

from e2e import (Failed, check, say, RunFailed, free_port, http_post, kill_children, launch, log_tail, remove_tmp,  # noqa: E402
                 run_groupbot, serve_env, sigterm_as_interrupt, start_watchdog, terminate, wait_healthy,
                 wait_until)
from fake_onebot import FakeOneBot, Member, message_mentions, message_text  # noqa: E402

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))  # the rules' time zone (Asia/Shanghai, no DST)

SELF_ID = 10001
ADMIN = 10086                 # onebot.admins: a friend of the bot
ADMIN_GROUP = 7779999         # onebot.admin_group

# Per instance: what serve is told (pacing) and what the fake enforces (its rate limit).
# A token bucket lets through at most burst + rate * w messages in any w seconds, so
# the fake's limits sit above that: 5 + 10 = 15 < 20 a second; 5 + 30 = 35 < 40 and
# 5 + 20 = 25 < 30 a minute into one group.
PACING = {
    "A": {"account_per_second": 10, "account_burst": 5, "group_per_minute": 30, "group_burst": 5,
          "daily_cap_per_group": 0, "schedule_spread_seconds": 0},
    "B": {"account_per_second": 10, "account_burst": 5, "group_per_minute": 20, "group_burst": 5,
          "daily_cap_per_group": 50, "schedule_spread_seconds": 5},
}
FAKE_LIMITS = {
    "A": {"account_per_second": 20, "group_per_minute": 40},
    "B": {"account_per_second": 20, "group_per_minute": 30},
}

def fail_if(problems, details=""):
    """Fails with every problem found, one a line."""
    if problems:
        text = problems[0] if len(problems) == 1 else "".join("\n  - " + p for p in problems)
        raise Failed(text + (("\n" + details) if details else ""))


def short(text, n=120):
    text = str(text).replace("\n", "⏎")
    return text if len(text) <= n else text[:n - 1] + "…"


# ---------------------------------------------------------------------------
# Pacing: does a series of send times keep to a token bucket?


def spacing_problems(times, rate_per_second, burst, windows, slack=1):
    """For each window length w: the most messages found within any w seconds, when more
    than burst + rate * w (+ slack for the network's jitter) allow."""
    times = sorted(times)
    problems = []
    for w in windows:
        allowed = int(burst + rate_per_second * w) + slack
        j, worst, worst_at = 0, 0, None
        for i, t in enumerate(times):
            while t - times[j] >= w:
                j += 1
            if i - j + 1 > worst:
                worst, worst_at = i - j + 1, times[j]
        if worst > allowed:
            problems.append("%d messages within %g s (from %s), at most %d allowed"
                            % (worst, w, clock(worst_at), allowed))
    return problems


def clock(t):
    return datetime.datetime.fromtimestamp(t, SHANGHAI).strftime("%H:%M:%S.%f")[:-3] if t else "-"


def pacing_check(fake, pacing, since=0.0, label=""):
    """Problems with the spacing of every message call the fake received since `since`."""
    calls = fake.message_calls(since=since)
    problems = []
    for p in spacing_problems([c.t for c in calls], pacing["account_per_second"], pacing["account_burst"],
                              (0.5, 1, 2, 5, 10, 30)):
        problems.append("%saccount (pacing %g/s, burst %d): %s"
                        % (label, pacing["account_per_second"], pacing["account_burst"], p))
    by_group = {}
    for c in calls:
        if c.action == "send_group_msg" or (c.action == "send_msg" and c.param("message_type") == "group"):
            by_group.setdefault(c.param("group_id"), []).append(c.t)
    for group, times in sorted(by_group.items()):
        for p in spacing_problems(times, pacing["group_per_minute"] / 60.0, pacing["group_burst"], (10, 30, 60)):
            problems.append("%sgroup %s (pacing %g/min, burst %d): %s"
                            % (label, group, pacing["group_per_minute"], pacing["group_burst"], p))
    return problems


# ---------------------------------------------------------------------------
# groupbot serve


def yaml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def yaml_text(mapping, indent=0):
    lines = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines.append("%s%s:" % (" " * indent, key))
            lines.append(yaml_text(value, indent + 2))
        else:
            lines.append("%s%s: %s" % (" " * indent, key, yaml_scalar(value)))
    return "\n".join(lines)


class Instance:
    """One `groupbot serve` with a fake OneBot implementation of its own."""

    def __init__(self, ctx, name, dm_through_group):
        self.ctx, self.name = ctx, name
        self.dm_through_group = dm_through_group
        self.dir = ctx.tmp / ("serve-" + name)
        self.dir.mkdir()
        self.state = self.dir / "state.sqlite"
        self.record = self.dir / "events.jsonl"
        self.config_path = self.dir / "groupbot.yaml"
        self.log_path = self.dir / "serve.log"
        self.rules = REPO / "rules"
        self.pacing = PACING[name]
        self.proc = None
        self.port = None
        self.start_error = None
        self.fake = FakeOneBot(self_id=SELF_ID, access_token=ctx.access_token, secret=ctx.onebot_secret,
                               log=(lambda line: ctx.verbose and say("[%s] %s" % (name, line))),
                               **FAKE_LIMITS[name])
        self.fake.start()
        self.fake.add_friend(ADMIN, "鲜海-陈姐-群主")
        self.fake.add_group(ADMIN_GROUP, "鲜海运营管理群", [Member(ADMIN, "陈姐", "鲜海-陈姐-群主", role="owner")])
        self.scenarios = []

    def custom_rules(self):
        """A copy of rules/ this instance may change (made on first use)."""
        if self.rules == REPO / "rules":
            target = self.dir / "rules"
            shutil.copytree(str(REPO / "rules"), str(target))
            self.rules = target
        return self.rules

    def config(self):
        onebot = {"api_url": self.fake.api_url, "admins": [str(ADMIN)], "admin_group": str(ADMIN_GROUP),
                  "dm_through_group": self.dm_through_group}
        config = {"host": "127.0.0.1", "port": self.port, "state": str(self.state), "reload": False}
        if not self.ctx.basic_config:
            config["record"] = str(self.record)
            onebot.update({"dm_fallback": "group", "platform_info": True, "info_ttl_seconds": 300})
        # The delivery worker's retries (shared by every channel): short steps, so an API
        # that comes back is used again within a couple of seconds, and enough attempts
        # that a minute's outage makes no dead letter.
        config["callback"] = {"max_attempts": 100, "first_delay_ms": 250, "max_delay_ms": 2000, "timeout_ms": 5000}
        config["onebot"] = onebot
        if not self.ctx.basic_config:
            config["pacing"] = dict(self.pacing)
        return yaml_text(config) + "\n"

    def start(self):
        last = None
        for attempt in range(3):
            self.port = free_port()
            self.config_path.write_text(self.config(), encoding="utf-8")
            command = [str(self.ctx.binary), "serve", "--config", str(self.config_path), "--rules", str(self.rules)]
            self.proc = launch(command, self.log_path, "serve %s on port %d" % (self.name, self.port), self.ctx.env)
            why = wait_healthy(self.proc, self.port, limit=30, interval=0.05)
            if why is None:
                self.fake.report_url = "http://127.0.0.1:%d/onebot/v11" % self.port
                return
            if why == "limit":
                raise RunFailed("serve %s did not answer /healthz within 30 s\n%s"
                                % (self.name, log_tail(self.log_path)))
            last = "serve %s exited with status %s before answering /healthz:\n%s" % (
                self.name, self.proc.returncode, log_tail(self.log_path, 8))
            if "in use" not in last and "Address already" not in last:
                break
        raise RunFailed(last)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is not None:
            terminate(self.proc, timeout=15)
        self.fake.stop()

    def audit_log(self, *filters):
        """`groupbot log --state <state> [filters]`: (exit status, stdout + stderr)."""
        return run_groupbot(self.ctx.binary, ["log", "--state", self.state] + list(filters), self.ctx.env, timeout=30)

    def recorded_events(self):
        try:
            lines = self.record.read_text(encoding="utf-8").splitlines()
        except OSError:
            return None
        events = []
        for line in lines:
            try:
                events.append(json.loads(line))
            except ValueError:
                pass
        return events


# ---------------------------------------------------------------------------
# Helpers on what the fake saw


def group_messages(fake, group_id, since=0.0):
    """Messages the bot got into a group, by API call or quick operation."""
    return [d for d in fake.delivered(since) if d["kind"] == "group" and d["group_id"] == int(group_id)]


def private_messages(fake, user_id, since=0.0):
    return [d for d in fake.delivered(since) if d["kind"] == "private" and d["user_id"] == int(user_id)]


def describe_calls(calls, limit=8):
    if not calls:
        return "    (none)"
    lines = ["    %s %r" % (clock(c.t), c) for c in calls[-limit:]]
    if len(calls) > limit:
        lines.insert(0, "    … %d earlier" % (len(calls) - limit))
    return "\n".join(lines)


def notify_calls(fake, needle, since=0.0):
    """Successful notify deliveries (to the admin privately or the admin group) containing needle."""
    return [c for c in fake.calls(since=since) if c.ok and c.action in ("send_private_msg", "send_group_msg")
            and (c.param("user_id") == str(ADMIN) or c.param("group_id") == str(ADMIN_GROUP)) and needle in c.text]


LOG_LINE = re.compile(r"^(?P<ts>\S+)\s+(?P<action>\w+)\s+(?:(?P<user>\S+)\s+)?in\s+(?P<group>\S+)\s+"
                      r"by rule\s+(?P<rule>\S+)\s+\(cause (?P<cause>[^)]*)\)(?::\s(?P<text>.*))?$")


def parse_log_line(line):
    """One line of `groupbot log`: `<time>  <action> [<user>] in <group> by rule <rule> (cause <id>): <text>`."""
    match = LOG_LINE.match(line)
    if match is None:
        return None
    entry = match.groupdict()
    entry["text"] = entry["text"] or ""
    return entry


# ---------------------------------------------------------------------------
# Scenarios


class Scenario:
    name = ""
    instance = "A"
    exclusive = False      # runs alone on its instance, after the others
    basic = False          # needs nothing beyond the configuration keys older builds know
    summary = ""

    def prepare(self, ctx, inst):
        """Before serve starts (rules, the world)."""

    def run(self, ctx, inst):
        raise NotImplementedError

    def after_stop(self, ctx, inst):
        """After serve has stopped (checks of the state file that could not be made live)."""


class Smoke(Scenario):
    name = "smoke"
    basic = True
    summary = "reports verified, decoded and answered; API calls with the access token"

    G = 7101001

    def prepare(self, ctx, inst):
        inst.fake.add_group(self.G, "鱼油粉丝福利9群", [Member(2101001, "小芳", "西安-王芳-鱼油"),
                                                     Member(2101002, "刷单小王", "")], fill_to=12)

    def run(self, ctx, inst):
        fake = inst.fake
        since = time.time()
        result = fake.report_heartbeat()
        check(result.status == 204, "a heartbeat report was answered %s, expected 204 (ignored): %r" % (result.status, result))

        body = json.dumps({"time": int(time.time()), "self_id": SELF_ID, "post_type": "meta_event",
                           "meta_event_type": "heartbeat", "interval": 5000}).encode()
        status, _ = http_post(inst.port, "/onebot/v11", body, {"Content-Type": "application/json",
                                                              "X-Signature": "sha1=" + "0" * 40})
        check(status == 403, "a report with a wrong X-Signature was answered %s, expected 403" % status)
        status, _ = http_post(inst.port, "/onebot/v11", body, {"Content-Type": "application/json"})
        check(status == 401, "a report without X-Signature (ONEBOT_SECRET set) was answered %s, expected 401" % status)
        bad = b"{"
        status, _ = http_post(inst.port, "/onebot/v11", bad, {
            "Content-Type": "application/json",
            "X-Signature": "sha1=" + hmac.new(ctx.onebot_secret.encode(), bad, hashlib.sha1).hexdigest()})
        check(status == 400, "a signed report that is not JSON was answered %s, expected 400" % status)

        result = fake.report_message(self.G, 2101001, "打卡")
        check(result.status == 200 and result.quick, "the check-in 打卡 got %r, expected a quick operation "
              "with a reply (rule checkin)" % result)
        reply = result.quick.get("reply")
        check(isinstance(reply, (str, list)) and ("签到" in message_text(reply) or "打卡" in message_text(reply)),
              "the quick operation's reply %r is not a check-in answer" % (reply,))
        check(result.quick.get("at_sender") is False, "the quick reply should carry at_sender: false, got %r" % result.quick)
        check(group_messages(fake, self.G, since), "the fake did not carry out the quick reply")

        text = "手机兼职刷单，一单一结，稳赚不赔"
        result = fake.report_message(self.G, 2101002, text, as_array=True)
        check(result.status == 200 and result.quick and result.quick.get("delete") is True,
              "a scam message (segments) got %r, expected a quick operation with delete: true (rule scam-words)" % result)
        got = wait_until(lambda: notify_calls(fake, "（2101002）", since), 10)
        check(got, "no notify about 2101002 reached the admin (send_private_msg to %d or send_group_msg to %d) "
              "within 10 s; calls:\n%s" % (ADMIN, ADMIN_GROUP, describe_calls(fake.calls(since=since))))
        denied = [c for c in fake.calls(since=since) if c.outcome in ("unauthorized", "forbidden")]
        check(not denied, "API calls without the right access token:\n%s" % describe_calls(denied))


class Welcome(Scenario):
    name = "welcome"
    instance = "B"
    summary = "a join notice (ids only): welcome by nickname, group name and member count"

    G, NAME = 7201001, "鱼油粉丝福利8群"
    INVITER = Member(2201001, "周平", "西安-周平-鱼油")
    NEWCOMER = Member(2201100, "成都-何静-维生素E", "")   # a newcomer's card is usually empty
    COUNT = 238

    def prepare(self, ctx, inst):
        inst.fake.add_group(self.G, self.NAME, [self.INVITER], fill_to=self.COUNT - 1)

    def run(self, ctx, inst):
        fake = inst.fake
        result = fake.report_message(self.G, self.INVITER.user_id, "大家好，我拉个朋友进群")
        check(result.status in (200, 204), "a message in %s was answered %r" % (self.G, result))
        time.sleep(0.5)
        since = time.time()
        result = fake.report_join(self.G, self.NEWCOMER, operator_id=self.INVITER.user_id)
        check(result.status in (200, 204), "the join notice was answered %r" % result)
        check(fake.group(self.G).member_count == self.COUNT, "test setup: the group should have %d members" % self.COUNT)
        # The quick operation (if groupbot ever answers a notice with a reply), else a call.
        if result.quick and result.quick.get("reply"):
            welcomes = [{"via": "quick", "message": result.quick["reply"], "t": since}]
        else:
            welcomes = []

        def found():
            return welcomes or [d for d in group_messages(fake, self.G, since) if "欢迎" in message_text(d["message"])]

        # rules/base.yaml: `welcome: batch: 60s`; the first step goes out when the batch closes.
        got = wait_until(found, 60 + 30, 0.25)
        check(got, "no welcome reached group %s within 90 s of the join (batch 60 s); messages into it:\n%s\ncalls:\n%s"
              % (self.G, [short(d["text"]) for d in group_messages(fake, self.G, since)],
                 describe_calls(fake.calls(since=since))))
        message = got[0]["message"]
        text = message_text(message)
        say("  welcome (%s, %.0f s after the join): %s" % (got[0]["via"], got[0]["t"] - since, short(text, 100)))
        problems = []
        if self.NEWCOMER.nickname not in text:
            problems.append("does not name the newcomer by nickname %r (get_group_member_info)" % self.NEWCOMER.nickname)
        if str(self.NEWCOMER.user_id) in text:
            problems.append("names the newcomer by QQ number %s" % self.NEWCOMER.user_id)
        if self.NAME not in text:
            problems.append("does not name the group %r (get_group_info)" % self.NAME)
        if "「%s」" % self.G in text:
            problems.append("names the group by its id")
        if str(self.COUNT) not in text:
            problems.append("does not give the member count %d (get_group_info)" % self.COUNT)
        fail_if(["the welcome " + p for p in problems], "  text: %s" % text)
        mentions = message_mentions(message)
        if mentions and str(self.NEWCOMER.user_id) not in mentions:
            raise Failed("the welcome @-mentions %s, not the newcomer %s" % (mentions, self.NEWCOMER.user_id))
        lookups = [c.action for c in fake.calls(since=since) if c.action.startswith("get_")]
        if ctx.verbose:
            say("  lookups after the join: %s" % lookups)


class Memberships(Scenario):
    name = "memberships"
    summary = "one-general-group fires for members known from the member list or from a message"

    P1, P2 = 7301001, 7301002
    LISTED = Member(2301001, "孙七", "西安-孙七-鱼油")          # in P1's member list
    POSTER = Member(2301003, "李娜", "宝鸡-李娜-钙片")          # joins P1 unseen, then posts there
    OTHER = Member(2301002, "赵敏", "北京-赵敏-鱼油")
    FRESH = Member(2301009, "Mike", "")                        # in no other group

    def prepare(self, ctx, inst):
        inst.fake.add_group(self.P1, "鱼油粉丝福利3群", [self.LISTED, self.OTHER], fill_to=40)
        inst.fake.add_group(self.P2, "鱼油粉丝福利4群", [], fill_to=30)

    @staticmethod
    def fired_for(fake, user, since):
        notes = notify_calls(fake, "（%d）" % user.user_id, since)
        notes = [c for c in notes if "已在其他综合群" in c.text]
        dms = [d for d in private_messages(fake, user.user_id, since) if "另一个福利群" in d["text"]]
        return notes + dms

    def run(self, ctx, inst):
        fake = inst.fake
        since = time.time()
        fake.report_message(self.P1, self.OTHER.user_id, "今天天气真不错")
        listed = wait_until(lambda: [c for c in fake.calls("get_group_member_list", since)
                                     if c.param("group_id") == str(self.P1)], 10)
        if not listed:
            say("  note: groupbot did not call get_group_member_list for %s, the first time it saw the group" % self.P1)
        time.sleep(0.5)
        fake.add_member(self.P1, self.POSTER)        # joined while nobody watched: known only by posting
        fake.report_message(self.P1, self.POSTER.user_id, "谢谢群主分享")
        time.sleep(0.3)
        fake.report_join(self.P2, self.FRESH)
        time.sleep(1.1)  # notice ids carry the report's second
        fake.report_join(self.P2, self.LISTED)
        fake.report_join(self.P2, self.POSTER)
        problems = []
        for member, how in ((self.LISTED, "known only from get_group_member_list of %d" % self.P1),
                            (self.POSTER, "known only from a message in %d" % self.P1)):
            if not wait_until(lambda: self.fired_for(fake, member, since), 15):
                problems.append("one-general-group did not fire for %d (%s) joining %d: no notify with "
                                "'（%d）…已在其他综合群' and no DM with '另一个福利群'"
                                % (member.user_id, how, self.P2, member.user_id))
        wrong = self.fired_for(fake, self.FRESH, since)
        if wrong:
            problems.append("one-general-group fired for %d, who is in no other group: %r" % (self.FRESH.user_id, wrong[0]))
        fail_if(problems, "  calls since the start:\n%s" % describe_calls(fake.calls(since=since), 12))


AD_TEXT = "有需要日本代购的加我微信 riben8866"
LADDER_DM = "刚才那条消息"   # rules/base.yaml, ladders.ads step 1


class LadderDM(Scenario):
    """MEMBER, not a friend of the bot, posts the ad AD in group G: the first step of the
    ads ladder is a DM to them (dm-group and dm-fallback: what becomes of it)."""

    G, NAME = 0, ""
    MEMBER = None
    AD = AD_TEXT

    def prepare(self, ctx, inst):
        inst.fake.add_group(self.G, self.NAME, [self.MEMBER], fill_to=20)

    def post_ad(self, fake, since):
        """Posts the ad; the send_private_msg calls to MEMBER since `since`, once there is
        one (within 10 s)."""
        check(self.MEMBER.user_id not in fake.friends, "test setup: the member must not be a friend")
        result = fake.report_message(self.G, self.MEMBER.user_id, self.AD)
        check(result.status in (200, 204), "the ad was answered %r" % result)
        user = str(self.MEMBER.user_id)
        dms = wait_until(lambda: [c for c in fake.calls("send_private_msg", since) if c.param("user_id") == user], 10)
        check(dms, "no send_private_msg to %s within 10 s of the ad (ladder ads, step 1); calls:\n%s"
              % (user, describe_calls(fake.calls(since=since))))
        return dms


class DMGroup(LadderDM):
    name = "dm-group"
    summary = "the ladder's DM to a non-friend goes with group_id (temporary chat)"

    G, NAME = 7401001, "鱼油粉丝福利5群"
    MEMBER = Member(2401001, "小美代购", "")

    def run(self, ctx, inst):
        fake = inst.fake
        since = time.time()
        dm = self.post_ad(fake, since)[0]
        check(dm.param("group_id") == str(self.G), "the DM carried group_id %r, expected %d (dm_through_group: true): %r"
              % (dm.param("group_id"), self.G, dm))
        check(dm.ok, "the fake refused the DM through the group's temporary chat: %r" % dm)
        check(LADDER_DM in dm.text, "the DM is not the ladder's first step: %s" % short(dm.text))
        time.sleep(1.0)
        fallback = [d for d in group_messages(fake, self.G, since) if LADDER_DM in d["text"]]
        if fallback:
            raise Failed("the DM went through, yet its text was also posted in the group: %s" % short(fallback[0]["text"]))


class DMFallback(LadderDM):
    name = "dm-fallback"
    instance = "B"
    summary = "a refused DM falls back to an @-mention in the group, logged as dm_fallback"

    G, NAME = 7402001, "鱼油粉丝福利6群"
    MEMBER = Member(2402001, "兼职宝妈", "")
    AD = "招宝妈兼职，在家用手机就能做，日结200+，有意者加微信 bm8866"

    def run(self, ctx, inst):
        fake = inst.fake
        since = time.time()
        first = self.post_ad(fake, since)[0]
        user = str(self.MEMBER.user_id)
        check(first.param("group_id") is None, "dm_through_group is off, yet the DM carried group_id: %r" % first)
        check(first.outcome == "refused" and first.retcode == 103,
              "the fake should refuse a DM to a non-friend with retcode 103; it answered %r" % first)

        def fallback():
            return [d for d in group_messages(fake, self.G, since)
                    if user in d["mentions"] and LADDER_DM in d["text"]]

        got = wait_until(fallback, 30, 0.2)
        check(got, "no fallback within 30 s of the refused DM: expected a message into group %d mentioning %s "
              "([CQ:at,qq=%s] or an at segment) with the DM's text; messages into the group: %s\ncalls:\n%s"
              % (self.G, user, user, [short(d["message"]) for d in group_messages(fake, self.G, since)],
                 describe_calls(fake.calls(since=since))))
        say("  fallback %.1f s after the refused DM (%d send_private_msg attempt(s)): %s"
            % (got[0]["t"] - first.t, len(fake.calls("send_private_msg", since)), short(got[0]["message"], 80)))
        check(len(got) == 1, "the fallback was posted %d times" % len(got))
        self.log_checked = self.check_log(inst, live=True)

    def check_log(self, inst, live):
        deadline = time.time() + (10 if live else 0)
        while True:
            status, out = inst.audit_log("--rule", "dm_fallback")
            # A fallback line names the member or the group it went to.
            lines = [l for l in out.splitlines() if "dm_fallback" in l
                     and (str(self.MEMBER.user_id) in l or str(self.G) in l)]
            if status == 0 and lines:
                return True
            if time.time() >= deadline:
                break
            time.sleep(0.5)
        if live and status != 0:
            say("  note: `groupbot log` failed while serve ran (%s); checked again after the stop" % short(out, 100))
            return False
        status_all, everything = inst.audit_log()
        raise Failed("`groupbot log --state %s --rule dm_fallback` shows no fallback for %s or in its group (exit %d):\n%s\n"
                     "  the whole log's last lines:\n%s" % (inst.state, self.MEMBER.user_id, status,
                                                             short(out, 300), "\n".join(
                                                                 "    " + l for l in everything.splitlines()[-6:])))

    def after_stop(self, ctx, inst):
        if getattr(self, "log_checked", True) is False:
            self.check_log(inst, live=False)


class Pacing(Scenario):
    name = "pacing"
    instance = "B"
    summary = "200 scheduled posts and a burst of notices into one group: each once, within the pacing"

    BASE = 7500001
    RULE = "live-morning-post"
    TEXT = "☀️ 每日早报：今日好物深海鱼油，拍 2 瓶送 1 瓶，晚上 10 点截止～"
    LEAD = 15.0   # seconds between serve's start and the earliest schedule minute
    BUSY = 7500999           # a general group where 15 members post scam bait at once:
    BURST = 15               # 15 notices into the admin group, above its bucket (burst 5)

    def prepare(self, ctx, inst):
        self.count = ctx.groups
        for i in range(self.count):
            gid = self.BASE + i
            inst.fake.add_group(gid, "每日早报%03d群" % (i + 1), [
                Member(2500000 + i * 10 + 1, "群友甲", "北京-赵敏-鱼油"), Member(2500000 + i * 10 + 2, "群友乙", "")])
        self.spammers = [Member(2509001 + k, "兼职%02d" % (k + 1), "") for k in range(self.BURST)]
        inst.fake.add_group(self.BUSY, "鱼油粉丝福利99群", self.spammers, fill_to=40)
        # The next minute at least LEAD seconds ahead, in the rules' time zone.
        now = datetime.datetime.now(SHANGHAI)
        due = (now + datetime.timedelta(seconds=self.LEAD + 60)).replace(second=0, microsecond=0)
        if (due - now).total_seconds() >= 60 + self.LEAD:
            due -= datetime.timedelta(minutes=1)
        self.due = due
        rules = inst.custom_rules()
        (rules / "morning.yaml").write_text(
            "# Added by Tests/live/onebot_live.py: groups named 每日早报… get one post at %s.\n"
            "timezone: Asia/Shanghai\n"
            "rules:\n"
            "  - id: %s\n"
            "    on: schedule\n"
            "    at: \"%s\"\n"
            "    actions:\n"
            "      - send: \"%s\"\n" % (due.strftime("%H:%M"), self.RULE, due.strftime("%H:%M"), self.TEXT),
            encoding="utf-8")
        groups = (rules / "groups.yaml").read_text(encoding="utf-8")
        check("\ngroups:\n" in groups, "rules/groups.yaml has no 'groups:' list to add the test's type to")
        groups = groups.replace("\ngroups:\n", "\ngroups:\n  - name: \"每日早报\"\n    type: morning\n", 1)
        (rules / "groups.yaml").write_text(groups, encoding="utf-8")
        status, output = run_groupbot(ctx.binary, ["check", rules], ctx.env, timeout=60)
        if status != 0:
            raise RunFailed("the test's rules copy does not check:\n%s" % output[-800:])

    def register(self, fake):
        """groupbot posts to the groups it has seen: each group's first report (4 at a time)."""
        failures, lock = [], threading.Lock()
        indices = list(range(self.count))

        def worker():
            while True:
                with lock:
                    if not indices:
                        return
                    i = indices.pop()
                result = fake.report_message(self.BASE + i, 2500000 + i * 10 + 1, "早上好")
                if result.status not in (200, 204):
                    with lock:
                        failures.append(result)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return failures

    def notices(self, fake, since, private=False):
        """The notices about the busy group's scam bait that reached the admin group (or,
        with `private`, the admin's DMs), by member."""
        found = {}
        for c in fake.calls("send_private_msg" if private else "send_group_msg", since):
            if c.ok and (c.param("user_id") == str(ADMIN) if private else c.param("group_id") == str(ADMIN_GROUP)):
                for m in self.spammers:
                    if "（%d）" % m.user_id in c.text:
                        found.setdefault(m.user_id, []).append(c)
        return found

    def run(self, ctx, inst):
        fake = inst.fake
        due = self.due.timestamp()
        say("  pacing: %d groups, schedule at %s (in %.0f s)" % (self.count, self.due.strftime("%H:%M"), due - time.time()))
        started = time.time()
        failures = self.register(fake)
        say("  registered %d groups in %.1f s" % (self.count, time.time() - started))
        if failures:
            raise Failed("%d registration reports were not answered 200/204, e.g. %r" % (len(failures), failures[0]))
        check(time.time() < due - 1, "registering the groups ended only %.1f s before the schedule; make Pacing.LEAD longer"
              % (due - time.time()))

        # A burst into one group: every scam post notifies the admins (privately and in
        # the admin group), so the admin group's bucket holds them back.
        burst_started = time.time()
        for m in self.spammers:
            fake.report_message(self.BUSY, m.user_id, "手机兼职刷单，一单一结，稳赚不赔 %d" % m.user_id)

        spread = inst.pacing["schedule_spread_seconds"] if not ctx.basic_config else 0
        rate = inst.pacing["account_per_second"]
        group_rate = inst.pacing["group_per_minute"] / 60.0
        budget = spread + self.count / rate * 1.5 + 20
        burst_budget = (self.BURST - inst.pacing["group_burst"]) / group_rate * 1.5 + 20

        def posts():
            return [c for c in fake.calls("send_group_msg", due - 5) if self.TEXT in c.text]

        def done():
            return (time.time() > due and len({c.param("group_id") for c in posts() if c.ok}) >= self.count
                    and len(self.notices(fake, burst_started)) >= self.BURST
                    and len(self.notices(fake, burst_started, private=True)) >= self.BURST)

        wait_until(done, max(due + budget, burst_started + burst_budget) - time.time(), 0.25)
        time.sleep(1.0)  # anything late or repeated
        calls = posts()
        ok = [c for c in calls if c.ok]
        groups = {}
        for c in ok:
            groups[c.param("group_id")] = groups.get(c.param("group_id"), 0) + 1
        expected = {str(self.BASE + i) for i in range(self.count)}
        missing = sorted(expected - set(groups))
        twice = sorted(g for g, n in groups.items() if n > 1)
        stray = sorted(set(groups) - expected)
        violations = [c for c in fake.calls() if c.outcome == "violation"]
        first, last = (min(c.t for c in calls), max(c.t for c in calls)) if calls else (0, 0)
        say("  %d scheduled post(s) between %s and %s (%.1f s, schedule %s), %d rate-limit violation(s)"
            % (len(calls), clock(first), clock(last), last - first, self.due.strftime("%H:%M:%S"), fake.violations))
        notices = self.notices(fake, burst_started)
        if notices:
            times = sorted(c.t for cs in notices.values() for c in cs)
            say("  %d notice(s) into admin group %d over %.1f s" % (len(times), ADMIN_GROUP, times[-1] - times[0]))
        problems = []
        if missing:
            problems.append("%d of %d groups got no scheduled post within %.0f s of %s (e.g. %s)%s"
                            % (len(missing), self.count, budget, self.due.strftime("%H:%M"), missing[:5],
                               self.lookup_hint(fake, missing)))
        if twice:
            problems.append("%d group(s) got the post more than once (e.g. %s)" % (len(twice), twice[:5]))
        if stray:
            problems.append("posts went to groups outside the test: %s" % stray[:5])
        if calls and first < due - 0.5:
            problems.append("the first post came %.1f s before the schedule" % (due - first))
        for where, got in (("admin group %d" % ADMIN_GROUP, notices),
                           ("admin %d privately" % ADMIN, self.notices(fake, burst_started, private=True))):
            lost = [m.user_id for m in self.spammers if m.user_id not in got]
            if lost:
                problems.append("%d of %d notices about scam bait in %d never reached %s (e.g. about %s)"
                                % (len(lost), self.BURST, self.BUSY, where, lost[:3]))
            repeated = [u for u, cs in got.items() if len(cs) > 1]
            if repeated:
                problems.append("notices to %s arrived more than once (about %s)" % (where, repeated[:3]))
        leaked = [d for d in group_messages(fake, self.BUSY, burst_started) if "请核实" in d["text"]]
        if leaked:
            problems.append("%d admin notice(s) were posted into the member group %d itself, e.g. %s"
                            % (len(leaked), self.BUSY, short(leaked[0]["text"])))
        if fake.violations or violations:
            problems.append("%d call(s) hit the fake's rate limit (%d/s per account, %d/min per group):\n%s"
                            % (fake.violations, fake.account_per_second, fake.group_per_minute,
                               describe_calls(violations, 5)))
        if not ctx.basic_config:
            problems += pacing_check(fake, inst.pacing)
            if len(calls) >= self.count and last - first < (self.count - inst.pacing["account_burst"]) / rate * 0.9:
                problems.append("the posts took %.1f s; at %g/s they need at least %.1f s"
                                % (last - first, rate, (self.count - inst.pacing["account_burst"]) / rate))
        fail_if(problems)

    def lookup_hint(self, fake, missing):
        looked = {c.param("group_id") for c in fake.calls("get_group_info") if c.ok}
        unknown = [g for g in missing if g not in looked]
        if unknown:
            return ("; get_group_info was never called for %d of them (the groups map to the test's type "
                    "`morning` by their name)" % len(unknown))
        return ""


class Outage(Scenario):
    name = "outage"
    exclusive = True
    summary = "the API goes away while reports keep coming; afterwards every call arrives once"

    GROUPS = (7601001, 7601002, 7601003)

    def prepare(self, ctx, inst):
        self.seconds = ctx.outage
        n = 12   # 6 first ads (a DM each) and 6 scam posts (a notice to the admin and one to the admin group)
        self.posts = []
        for k in range(n):
            gid = self.GROUPS[k % len(self.GROUPS)]
            uid = 2600000 + k + 1
            if k % 2 == 0:
                member = Member(uid, "代购%d号" % (k + 1), "")
                text = "有需要日本代购的加我微信 riben%04d" % (k + 1)
                kind = "ad"
            else:
                member = Member(uid, "兼职%d号" % (k + 1), "")
                text = "手机兼职刷单%d号，一单一结，稳赚不赔" % (k + 1)
                kind = "scam"
            self.posts.append((kind, gid, member, text))
        # A price question: its answer rides in the report's response (faq-price), API or not.
        self.posts.insert(len(self.posts) // 2, ("faq", self.GROUPS[1], Member(2600100, "问价的", "北京-赵敏-鱼油"),
                                                 "鱼油现在什么价"))
        for i, gid in enumerate(self.GROUPS):
            members = [m for _, g, m, _ in self.posts if g == gid] + [Member(2609000 + i, "老顾客", "西安-老王-鱼油")]
            inst.fake.add_group(gid, "鱼油粉丝福利7%d群" % (i + 1), members, fill_to=25)

    def expected(self, inst):
        """(description, predicate over an ok call) for every call the outage's posts need."""
        out = []
        for kind, gid, member, text in self.posts:
            uid = str(member.user_id)
            if kind == "faq":
                continue
            if kind == "ad":
                out.append(("DM to %s (ladder ads, step 1)" % uid,
                            lambda c, uid=uid, gid=gid: c.action == "send_private_msg" and c.param("user_id") == uid
                            and LADDER_DM in c.text and (not inst.dm_through_group or c.param("group_id") == str(gid))))
            else:
                for where, key, value in (("to admin %d" % ADMIN, "user_id", str(ADMIN)),
                                          ("in admin group %d" % ADMIN_GROUP, "group_id", str(ADMIN_GROUP))):
                    action = "send_private_msg" if key == "user_id" else "send_group_msg"
                    out.append(("notify about %s %s (scam-words)" % (uid, where),
                                lambda c, uid=uid, key=key, value=value, action=action:
                                c.action == action and c.param(key) == value and "（%s）" % uid in c.text))
        return out

    def run(self, ctx, inst):
        fake = inst.fake
        for i, gid in enumerate(self.GROUPS):   # seen (and looked up) before the outage
            fake.report_message(gid, 2609000 + i, "大家早上好")
        time.sleep(1.5)
        mark = time.time()
        fake.down("503")
        half = mark + self.seconds / 2.0
        end = mark + self.seconds
        answers = []

        def wait(until):
            while time.time() < until:
                if time.time() >= half and fake.state == "503":
                    fake.down("refuse")   # the second half: the process is gone
                time.sleep(0.05)

        for k, (kind, gid, member, text) in enumerate(self.posts):
            wait(mark + (k + 0.5) * self.seconds / len(self.posts))
            answers.append((kind, member, fake.report_message(gid, member.user_id, text)))
        wait(end)
        during = [c for c in fake.calls(since=mark) if c.ok]
        fake.up()
        back = time.time()
        say("  outage %.0f s (503, then refused connections); %d post(s) meanwhile; %d call(s) answered 503"
            % (back - mark, len(self.posts), len(fake.calls(since=mark))))
        problems = []
        unanswered = [(m.user_id, r) for _, m, r in answers if r.status not in (200, 204)]
        if unanswered:
            problems.append("reports during the outage were not answered: %s" % unanswered[:3])
        for kind, member, r in answers:
            if kind == "scam" and not (r.quick and r.quick.get("delete")):
                problems.append("the scam post of %d was not recalled by the quick operation: %r" % (member.user_id, r))
            if kind == "faq" and not (r.quick and "活动价" in message_text(r.quick.get("reply") or "")):
                problems.append("the price question got no quick reply (faq-price) during the outage: %r" % r)
        if during:
            problems.append("calls succeeded while the API was down (test error): %r" % during[:2])
        expected = self.expected(inst)

        def arrived():
            calls = [c for c in fake.calls(since=back) if c.ok]
            return all(any(p(c) for c in calls) for _, p in expected)

        wait_until(arrived, 45, 0.25)
        time.sleep(2.0)  # repeats
        calls = [c for c in fake.calls(since=back) if c.ok]
        last = max((c.t for c in calls), default=back)
        say("  %d call(s) after the API came back, the last %.1f s after" % (len(calls), last - back))
        for description, predicate in expected:
            n = sum(1 for c in calls if predicate(c))
            if n == 0:
                problems.append("missing: %s" % description)
            elif n > 1:
                problems.append("%s arrived %d times" % (description, n))
        seen = {}
        for c in calls:
            if c.action in ("send_private_msg", "send_group_msg"):
                key = (c.action, json.dumps(c.params, sort_keys=True, ensure_ascii=False))
                seen[key] = seen.get(key, 0) + 1
        repeated = [k for k, n in seen.items() if n > 1]
        if repeated:
            problems.append("%d message call(s) arrived more than once, e.g. %s" % (len(repeated), short(repeated[0][1])))
        violations = [c for c in fake.calls(since=back) if c.outcome == "violation"]
        if violations:
            problems.append("%d call(s) after the outage hit the fake's rate limit:\n%s"
                            % (len(violations), describe_calls(violations, 4)))
        if not ctx.basic_config:
            problems += pacing_check(fake, inst.pacing, since=back, label="after the outage: ")
        problems += self.against_audit_log(inst, answers, calls)
        fail_if(problems, "  calls after the outage:\n%s" % describe_calls(calls, 12))

    @staticmethod
    def against_audit_log(inst, answers, calls):
        """Every dm and notify `groupbot log` lists for the outage's posts arrived exactly once,
        with the text the log has."""
        causes = {str(r.report["message_id"]) for _, _, r in answers}
        status, out = inst.audit_log()
        if status != 0:
            return ["`groupbot log --state %s` failed (%d): %s" % (inst.state, status, short(out, 200))]
        problems, entries = [], 0
        for line in out.splitlines():
            entry = parse_log_line(line)
            if entry is None or entry["cause"] not in causes or entry["action"] not in ("dm", "notify"):
                continue
            entries += 1
            if entry["action"] == "dm":
                targets = [("send_private_msg", "user_id", entry["user"])]
            else:
                targets = [("send_private_msg", "user_id", str(ADMIN)), ("send_group_msg", "group_id", str(ADMIN_GROUP))]
            for action, key, value in targets:
                n = sum(1 for c in calls if c.action == action and c.param(key) == value
                        and c.text.strip() == entry["text"].strip())
                if n != 1:
                    problems.append("the log's %s by %s (cause %s) reached %s %s %d times: %s"
                                    % (entry["action"], entry["rule"], entry["cause"], key, value, n,
                                       short(entry["text"], 60)))
        if not entries:
            problems.append("`groupbot log` lists no dm or notify caused by the outage's posts")
        return problems


class Record(Scenario):
    name = "record"
    instance = "B"
    summary = "record: events as run, enriched, with the member list's member events"

    G, NAME = 7701001, "鱼油粉丝福利10群"
    ADMIN_MEMBER = Member(2701000, "阿杰", "鲜海-阿杰-运营", role="admin")
    POSTER = Member(2701001, "小芳", "西安-王芳-鱼油")
    NEWCOMER = Member(2701002, "Linda", "")

    def prepare(self, ctx, inst):
        inst.fake.add_group(self.G, self.NAME, [self.ADMIN_MEMBER, self.POSTER], fill_to=12)

    def run(self, ctx, inst):
        fake = inst.fake
        result = fake.report_message(self.G, self.POSTER.user_id, "今天的鱼油收到了，包装很好")
        message_id = str(result.report["message_id"])
        time.sleep(0.5)
        fake.report_join(self.G, self.NEWCOMER, operator_id=self.ADMIN_MEMBER.user_id)
        count = fake.group(self.G).member_count
        group = str(self.G)

        def mine():
            events = inst.recorded_events() or []
            return [e for e in events if isinstance(e, dict) and str(e.get("group")) == group]

        def complete():
            events = mine()
            return (any(e.get("type") == "message" for e in events) and any(e.get("type") == "join" for e in events)
                    and events)

        events = wait_until(complete, 10, 0.25)
        check(inst.record.exists(), "serve wrote no record file at %s (record: in the configuration)" % inst.record)
        check(events, "the record file has no message and join event of group %s; its last lines:\n%s"
              % (group, "\n".join("    " + short(json.dumps(e, ensure_ascii=False), 200)
                                  for e in (inst.recorded_events() or [])[-5:])))
        problems = []
        message = [e for e in events if e.get("type") == "message" and str(e.get("id")) == message_id]
        if not message:
            problems.append("no message event with id %s" % message_id)
        else:
            m = message[0]
            for key, want in (("group_name", self.NAME), ("nick", self.POSTER.card), ("role", "member"),
                              ("user", str(self.POSTER.user_id))):
                if m.get(key, "member" if key == "role" else None) != want:   # role: member when absent
                    problems.append("message event: %s is %r, expected %r" % (key, m.get(key), want))
        join = [e for e in events if e.get("type") == "join" and str(e.get("user")) == str(self.NEWCOMER.user_id)]
        if not join:
            problems.append("no join event of %d" % self.NEWCOMER.user_id)
        else:
            j = join[0]
            for key, want in (("group_name", self.NAME), ("nick", self.NEWCOMER.nickname), ("member_count", count),
                              ("inviter", str(self.ADMIN_MEMBER.user_id))):
                if j.get(key) != want:
                    problems.append("join event: %s is %r, expected %r" % (key, j.get(key), want))
        members = {str(e.get("user")): e for e in events if e.get("type") == "member"}
        admin = members.get(str(self.ADMIN_MEMBER.user_id))
        if not members:
            problems.append("no member events from get_group_member_list")
        elif admin is None:
            problems.append("no member event for %d (in the member list)" % self.ADMIN_MEMBER.user_id)
        elif admin.get("role") != "admin" or admin.get("nick") != self.ADMIN_MEMBER.card:
            problems.append("member event of %d: role %r nick %r, expected admin / %r"
                            % (self.ADMIN_MEMBER.user_id, admin.get("role"), admin.get("nick"), self.ADMIN_MEMBER.card))
        fail_if(problems)


SCENARIOS = [Smoke, Welcome, Memberships, DMGroup, DMFallback, Pacing, Outage, Record]


# ---------------------------------------------------------------------------


class Context:
    """The run's settings and secrets, shared by the instances and the scenarios (set in main)."""


def select(only):
    if not only:
        return [cls() for cls in SCENARIOS]
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    chosen = []
    for cls in SCENARIOS:
        if any(cls.name.startswith(w) for w in wanted):
            chosen.append(cls())
    unknown = [w for w in wanted if not any(c.name.startswith(w) for c in SCENARIOS)]
    if unknown:
        raise SystemExit("unknown scenario(s): %s (see --list)" % ", ".join(unknown))
    return chosen


def run_one(ctx, inst, scenario, results):
    started = time.time()
    try:
        if inst.start_error:
            raise Failed("serve %s did not start (above)" % inst.name)
        if not inst.alive():
            raise Failed("serve %s is not running (exit status %s):\n%s"
                         % (inst.name, inst.proc.returncode if inst.proc else None, log_tail(inst.log_path, 8)))
        scenario.run(ctx, inst)
        results[scenario.name] = (True, "", time.time() - started)
        say("PASS %s (%.1f s)" % (scenario.name, time.time() - started))
    except Failed as failure:
        results[scenario.name] = (False, str(failure), time.time() - started)
        say("FAIL %s: %s" % (scenario.name, failure))
    except Exception:
        results[scenario.name] = (False, traceback.format_exc(), time.time() - started)
        say("FAIL %s: the scenario itself broke:\n%s" % (scenario.name, traceback.format_exc()))


def run_instance(ctx, inst, results):
    parallel = [s for s in inst.scenarios if not s.exclusive]
    threads = [threading.Thread(target=run_one, args=(ctx, inst, s, results), daemon=True) for s in parallel]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in inst.scenarios:
        if s.exclusive:
            run_one(ctx, inst, s, results)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--binary", default=str(REPO / ".build" / "debug" / "groupbot"), help="the groupbot binary")
    parser.add_argument("--quick", action="store_true", help="a 10 s outage instead of 60 s")
    parser.add_argument("--only", help="comma-separated scenarios (or prefixes) to run; default all")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--groups", type=int, default=200, help="groups of the pacing scenario (default 200)")
    parser.add_argument("--outage", type=float, help="seconds the API is down (default 60; --quick 10)")
    parser.add_argument("--basic-config", action="store_true",
                        help="write only the configuration keys older builds know (no record, pacing, dm_fallback, "
                             "platform_info, info_ttl_seconds)")
    parser.add_argument("--timeout", type=float, default=240.0, help="hard limit for the whole run in seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (configs, logs, state)")
    parser.add_argument("--verbose", action="store_true", help="log the fakes' refusals and more")
    args = parser.parse_args(argv)

    if args.list:
        for cls in SCENARIOS:
            print("%-12s serve %s  %s" % (cls.name, cls.instance, cls.summary))
        return 0

    ctx = Context()
    ctx.binary = Path(args.binary).resolve()
    ctx.quick = args.quick
    ctx.outage = args.outage if args.outage is not None else (10.0 if args.quick else 60.0)
    ctx.groups = args.groups
    ctx.verbose = args.verbose
    scenarios = select(args.only)
    ctx.basic_config = args.basic_config or all(s.basic for s in scenarios)
    if not os.access(str(ctx.binary), os.X_OK):
        print("FAIL: %s is not an executable (build it, or pass --binary)" % ctx.binary)
        print("onebot live: could not run")
        return 1

    rng = random.SystemRandom()
    ctx.onebot_secret = base64.b32encode(rng.getrandbits(160).to_bytes(20, "big")).decode().lower()
    ctx.access_token = base64.b32encode(rng.getrandbits(160).to_bytes(20, "big")).decode().lower()
    ctx.env = serve_env(ONEBOT_SECRET=ctx.onebot_secret, ONEBOT_ACCESS_TOKEN=ctx.access_token)
    ctx.tmp = Path(tempfile.mkdtemp(prefix="groupbot-onebot-live-"))

    instances = {}

    def cleanup():
        for inst in instances.values():
            try:
                inst.stop()
            except Exception:
                pass
        kill_children()

    def on_timeout():
        say("FAIL: hard time limit of %.0f s reached; stopping everything" % args.timeout)
        cleanup()
        if not args.keep:
            shutil.rmtree(str(ctx.tmp), ignore_errors=True)
        say("onebot live: timed out")
        os._exit(1)

    watchdog = start_watchdog(args.timeout, on_timeout)
    sigterm_as_interrupt()
    results = {}
    started = time.time()
    exit_code = 1
    try:
        say("onebot live: %s; scenarios %s; outage %.0f s; %s configuration; binary %s"
            % ("quick" if ctx.quick else "full", ",".join(s.name for s in scenarios), ctx.outage,
               "basic" if ctx.basic_config else "full", ctx.binary))
        for s in scenarios:
            if s.instance not in instances:
                instances[s.instance] = Instance(ctx, s.instance, dm_through_group=(s.instance == "A"))
            instances[s.instance].scenarios.append(s)
        for inst in instances.values():
            try:
                for s in inst.scenarios:
                    s.prepare(ctx, inst)
                inst.start()
                say("serve %s on :%d (fake OneBot on :%d, rules %s)" % (inst.name, inst.port, inst.fake.port,
                                                                      os.path.relpath(inst.rules, REPO)))
            except (RunFailed, Failed) as error:
                inst.start_error = str(error)
                say("serve %s could not be started: %s" % (inst.name, error))
        threads = [threading.Thread(target=run_instance, args=(ctx, inst, results), daemon=True)
                   for inst in instances.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for inst in instances.values():
            inst.stop()
            for s in inst.scenarios:
                if results.get(s.name, (False,))[0]:
                    try:
                        s.after_stop(ctx, inst)
                    except Failed as failure:
                        results[s.name] = (False, str(failure), 0)
                        say("FAIL %s (after serve stopped): %s" % (s.name, failure))
        for inst in instances.values():
            if inst.proc is not None and inst.proc.returncode not in (0, None, -signal.SIGTERM):
                say("note: serve %s exited with status %s; log %s" % (inst.name, inst.proc.returncode, inst.log_path))
        failed = [s.name for s in scenarios if not results.get(s.name, (False,))[0]]
        say("%d passed, %d failed%s in %.0f s" % (len(scenarios) - len(failed), len(failed),
                                                  (" (%s)" % ", ".join(failed)) if failed else "", time.time() - started))
        if failed:
            for inst in instances.values():
                if not inst.start_error and any(s.name in failed for s in inst.scenarios):
                    say("serve %s log (last lines):\n%s" % (inst.name, log_tail(inst.log_path, 12)))
            say("onebot live: %d of %d scenario(s) failed" % (len(failed), len(scenarios)))
        else:
            say("onebot live: ok")
            exit_code = 0
    except RunFailed as error:
        say("FAIL: %s" % error)
        say("onebot live: could not run")
    except KeyboardInterrupt as error:
        say("interrupted (%s)" % (error or "Ctrl-C"))
    finally:
        watchdog.cancel()
        cleanup()
        remove_tmp(ctx.tmp, args.keep, say)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
