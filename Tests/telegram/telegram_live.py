#!/usr/bin/env python3
"""End-to-end test of `groupbot serve`'s Telegram dialect against a fake Bot API.

    python3 Tests/telegram/telegram_live.py --binary .build/debug/groupbot      # all scenarios, side by side (~70 s)
    python3 Tests/telegram/telegram_live.py --binary BIN --only webhook         # one scenario (a comma list for several)
    python3 Tests/telegram/telegram_live.py --binary BIN --keep --verbose       # keep the temporary folder, print every call
    python3 Tests/telegram/telegram_live.py --list

Each scenario starts its own `fake_bot_api.FakeBotAPI` (the world of
Tests/GroupbotTelegramTests/Fixtures/platform.json: the chats' titles, member counts and
administrators; only the member 老李 has started the bot, so DMs to anyone else are refused
with 403) and its own `groupbot serve`:

    serve --config <tmp>/groupbot.yaml --rules rules --state <tmp>/state.sqlite

with TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET in the environment and this
configuration (the keys of the Telegram design):

    host: 127.0.0.1
    port: <a free port>
    reload: false
    telegram:
      api_url: <the fake>
      mode: webhook | polling
      admin_chat: "-1001999000111"
      utc_offset: "+08:00"
      dm_fallback: group
      poll_timeout_seconds: 1

The recording Tests/GroupbotTelegramTests/Fixtures/session.jsonl (a morning in 鲜海鱼油粉丝福利3群,
general, and 鲜海VIP会员2群, vip) is played in a few seconds instead of three hours, so the
assertions are about what happens, not about the recorded clock: serve runs on the wall
clock, cooldowns and batching count from the moment an update arrives.

Scenarios (run in parallel; each can run alone with --only):

  webhook   a wrong or missing X-Telegram-Bot-Api-Secret-Token is refused (401 or 403),
            an unreadable body gets 400; every update of the recording posted to
            POST /telegram/webhook gets 200 `{}`. Then, through the fake: the FAQ
            answers (price, shipping, after-sales, VIP points and birthday, the photo
            thank-you, the check-in) as replies (reply_parameters) to the questions; the
            ad: the first offence's DM refused (403) and posted in the group instead,
            mentioning the member (text_mention), the second one deleted, DM'd (refused,
            posted in the group) and reported to admin_chat; the flood: the copies
            deleted, the DMs to a member who started the bot delivered, the mute as
            restrictChatMember with every permission false and until_date about 10
            minutes ahead, then the admin's 赦免 lifting it (every permission true) and
            reported; the renamed member thanked (DM refused, posted in the group); the
            join request with an order number approved, the other reported to
            admin_chat, none declined; one combined welcome naming each of the three
            newcomers exactly once (a join comes both as a service message and as a
            chat_member update) with the member count of getChatMemberCount, and the VIP
            welcome. No getUpdates in webhook mode.
  polling   the recording queued in the fake; serve polls getUpdates with
            allowed_updates [message, chat_member, chat_join_request] and timeout 1,
            acts on it (FAQ reply, approval, ad fallback, mute), is stopped (SIGTERM),
            two more updates arrive while it is down, and after the restart on the same
            state file its first getUpdates carries the offset it had reached: every
            update is handed out once, and nothing is acted on twice.
  pacing    12 members post scam bait at once in two groups: 12 deleteMessage and 12
            notices into admin_chat, which the fake limits to 6 messages a second and 26
            a minute (the most that serve's default pacing, 20 a minute with a burst of
            5 per chat, can send): all arrive, none refused with 429.

In every scenario: no call refused as an unknown method or parameter, a missing
parameter or a wrong type, no 429, no call answered with an error other than the 403s of
refused DMs, and serve stops on SIGTERM with status 0.

The last line is `telegram live: ok` (exit 0), or `telegram live: N of M scenario(s)
failed` (exit 1). Only the Python 3 standard library and 127.0.0.1 are used.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = REPO / "Tests" / "GroupbotTelegramTests" / "Fixtures"
sys.path.insert(0, str(HERE))

from fake_bot_api import FakeBotAPI, utf16_len  # noqa: E402

TOKEN = "7012345678:AAFakeTokenForLocalTestsOnly-0123456789"   # the bot of platform.json (id 7012345678)
SECRET = "groupbot-live-webhook-secret_0123456789"            # TELEGRAM_WEBHOOK_SECRET
G1 = -1001873201145          # 鲜海鱼油粉丝福利3群 (general)
G2 = -1001873209902          # 鲜海VIP会员2群 (vip)
ADMIN_CHAT = -1001999000111  # telegram.admin_chat
XIAOLU, LAOLI, LILY, HEWEI, MIKE, SUNNY = 5120004301, 5120004302, 5120004210, 5120004401, 5120004402, 5120005102
ZHAOMIN = 5120004102
NEWCOMERS = ("Lily Lin", "北京-王静-钙片", "成都-何静-维生素E")
# What serve's default pacing can send at most (a token bucket lets through burst + rate * w
# in any w seconds): 5 + 20/60 a second and 5 + 20 a minute into one chat; 30 + 30 a second in all.
FAKE_LIMITS = {"per_chat_per_second": 6, "per_chat_per_minute": 26, "global_per_second": 61}
WELCOME_WAIT = 80            # the welcome waits for the one-minute batching window
# The date of the updates made up here: just after the recording (Thursday 2026-12-03 11:40 +08:00),
# so rules with time windows (the night-time answer, the Friday ad slot) do not depend on when the test runs.
LATER = 1796269200

_print_lock = threading.Lock()


def say(text):
    with _print_lock:
        print(text, flush=True)


class Failed(Exception):
    """A scenario's expectation was not met."""


def short(value, n=140):
    text = str(value).replace("\n", "⏎")
    return text if len(text) <= n else text[:n - 1] + "…"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recorded_updates():
    return [json.loads(line) for line in (FIXTURES / "session.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def message_with(updates, text):
    """The message of the recording whose text or caption contains `text`."""
    found = [u["message"] for u in updates if "message" in u and text in (u["message"].get("text") or u["message"].get("caption") or "")]
    if not found:
        raise RuntimeError(f"no message with {text!r} in session.jsonl")
    return found


class Checks:
    """Collects every unmet expectation of a scenario instead of stopping at the first."""

    def __init__(self):
        self.problems = []

    def __call__(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition

    def done(self, details=""):
        if self.problems:
            raise Failed("".join("\n  - " + p for p in self.problems) + (("\n" + details) if details else ""))


# -- groupbot serve -------------------------------------------------------------------------------


class Serve:
    def __init__(self, binary, folder, fake, mode, verbose=False):
        self.binary, self.folder, self.fake, self.mode = binary, folder, fake, mode
        self.state = folder / "state.sqlite"
        self.config = folder / "groupbot.yaml"
        self.log = folder / "serve.log"
        self.proc = None
        self.port = None
        self.verbose = verbose

    def write_config(self):
        self.config.write_text("\n".join([
            "host: 127.0.0.1",
            f"port: {self.port}",
            "reload: false",
            "telegram:",
            f"  api_url: {self.fake.url}",
            f"  mode: {self.mode}",
            f'  admin_chat: "{ADMIN_CHAT}"',
            '  utc_offset: "+08:00"',
            "  dm_fallback: group",
            "  poll_timeout_seconds: 1",
            ""]), encoding="utf-8")

    def start(self, timeout=20):
        self.port = free_port()
        self.write_config()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUPBOT_", "ONEBOT_", "TELEGRAM_"))}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=SECRET)
        command = [str(self.binary), "serve", "--config", str(self.config), "--rules", str(REPO / "rules"), "--state", str(self.state)]
        setpriv = shutil.which("setpriv")
        if setpriv:  # a serve outliving a killed test would keep its port
            command = [setpriv, "--pdeathsig", "KILL", "--"] + command
        with open(self.log, "ab") as log:
            log.write(f"--- {time.strftime('%H:%M:%S')} serve ({self.mode}) on port {self.port}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, cwd=str(REPO))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Failed(f"serve exited with status {self.proc.returncode} before answering /healthz:\n{self.tail()}")
            try:
                status, _ = self.request("GET", "/healthz", timeout=1)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise Failed(f"serve did not answer /healthz within {timeout} s:\n{self.tail()}")

    def request(self, verb, path, body=None, headers=None, timeout=10):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(verb, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def webhook(self, body, secret=SECRET):
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return self.request("POST", "/telegram/webhook", body=body, headers=headers)

    def stop(self, timeout=20):
        """SIGTERM, then the exit status (SIGKILL after the timeout)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "killed after SIGTERM did not stop it within %d s" % timeout

    def tail(self, lines=25):
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join("    " + line for line in text[-lines:])


# -- what the fake saw -------------------------------------------------------------------------------


def sends(fake, chat=None, status=200, contains=None):
    return [c for c in fake.calls if c["method"] == "sendMessage" and c["status"] == status
            and (chat is None or str(c["params"].get("chat_id")) == str(chat))
            and (contains is None or contains in c["params"].get("text", ""))]


def mentions(call):
    return [e.get("user", {}).get("id") for e in call["params"].get("entities", []) if e.get("type") == "text_mention"]


def reply_to(fake, chat, message_id):
    return [c for c in sends(fake, chat) if c["params"].get("reply_parameters", {}).get("message_id") == message_id]


def calls(fake, method, status=200, **params):
    return [c for c in fake.calls if c["method"] == method and c["status"] == status
            and all(str(c["params"].get(k)) == str(v) for k, v in params.items())]


_phase = threading.local()


def phase(seconds):
    """Everything waited for from now on must happen within `seconds`: once that has passed,
    each further wait only looks (so a serve that does nothing fails in time, not in minutes)."""
    _phase.deadline = time.time() + seconds


def wait(fake, predicate, timeout):
    deadline = getattr(_phase, "deadline", None)
    if deadline is not None:
        timeout = min(timeout, max(0.2, deadline - time.time()))
    return fake.wait_for(predicate, timeout)


def fallback_for(fake, chat, user, contains):
    """The group message that replaced a refused DM: mentions the member, carries the DM's text."""
    return [c for c in sends(fake, chat, contains=contains) if user in mentions(c)]


def common_checks(check, fake, expected_403_users):
    rejected = fake.rejected("unknown_method", "unknown_parameter", "missing_parameter", "bad_type", "unauthorized")
    check(not rejected, "calls refused as malformed: " + "; ".join(
        f"{c['method']} {short(c['params'], 80)} -> {c['answer'].get('description')}" for c in rejected[:5]))
    limited = fake.rejected("rate_limit")
    check(not limited, f"{len(limited)} call(s) answered 429 (pacing): "
          + "; ".join(f"{c['method']} to {c['params'].get('chat_id')}" for c in limited[:5]))
    errors = [c for c in fake.calls if c["status"] not in (200, 403, 429) and not c.get("rejected_as")]
    check(not errors, "calls answered with an error: " + "; ".join(
        f"{c['method']} {short(c['params'], 80)} -> {c['answer'].get('description')}" for c in errors[:5]))
    forbidden = [c for c in fake.calls if c["status"] == 403]
    odd = [c for c in forbidden if c["method"] != "sendMessage" or c["params"].get("chat_id") not in expected_403_users]
    check(not odd, "403 for calls that are not DMs to members who never started the bot: "
          + "; ".join(f"{c['method']} {short(c['params'], 80)}" for c in odd[:5]))


def stop_checks(check, serve):
    status = serve.stop()
    check(status == 0, f"serve did not stop cleanly on SIGTERM: exit status {status}\n{serve.tail()}")


# -- scenarios -------------------------------------------------------------------------------------------


def new_fake(ctx, name):
    log = (lambda c: say(f"[{name}] {c['method']} {short(json.dumps(c['params'], ensure_ascii=False), 150)} -> "
                         f"{c['status']} {c['answer'].get('description', '')}")) if ctx.verbose else None
    return FakeBotAPI(TOKEN, platform=FIXTURES / "platform.json", started_users={LAOLI}, log=log, **FAKE_LIMITS).start()


def scenario_webhook(ctx, folder):
    updates = recorded_updates()
    fake = new_fake(ctx, "webhook")
    serve = Serve(ctx.binary, folder, fake, "webhook", ctx.verbose)
    check = Checks()
    try:
        serve.start()
        # inbound checks, with a harmless update (a private chat) so nothing is acted on
        probe = json.dumps({"update_id": 861300001, "message": {"message_id": 9, "from": {"id": ZHAOMIN, "is_bot": False,
                            "first_name": "北京-赵敏-鱼油"}, "chat": {"id": ZHAOMIN, "first_name": "北京-赵敏-鱼油", "type": "private"},
                            "date": int(time.time()), "text": "/start"}}).encode()
        status, body = serve.webhook(probe, secret="not-the-secret")
        check(status in (401, 403), f"a wrong secret token got {status} {short(body)}, expected 401 or 403")
        status, body = serve.webhook(probe, secret=None)
        check(status in (401, 403), f"a missing secret token got {status} {short(body)}, expected 401 or 403")
        for bad in (b'{"update_id": ', b"", b"[1,2]"):
            status, body = serve.webhook(bad)
            check(status == 400, f"the body {bad!r} got {status} {short(body)}, expected 400")
        status, body = serve.webhook(probe)
        check(status == 200, f"a private message got {status} {short(body)}, expected 200 (ignored)")

        first_join = None
        for u in updates:
            if first_join is None and "message" in u and "new_chat_members" in u["message"]:
                first_join = time.time()
            status, body = fake.post_update(f"http://127.0.0.1:{serve.port}/telegram/webhook", u, SECRET)
            try:
                answer = json.loads(body)
            except ValueError:
                answer = body
            check(status == 200 and answer == {}, f"update {u['update_id']} got {status} {short(body)}, expected 200 {{}}")

        phase(45)
        ask = {t: message_with(updates, t)[0] for t in ("鱼油多少钱一瓶呀", "积分怎么用", "上周买的鱼油到货啦", "打卡",
                                                         "改好啦～请问满多少包邮呀", "瓶盖破损", "生日礼怎么领")}
        faq = [("鱼油多少钱一瓶呀", G1, "活动价"), ("积分怎么用", G2, "积分"), ("上周买的鱼油到货啦", G1, "晒图"),
               ("打卡", G1, "签到"), ("改好啦～请问满多少包邮呀", G1, "包邮"), ("瓶盖破损", G1, "退换"), ("生日礼怎么领", G2, "生日")]
        for text, chat, answer in faq:
            m = ask[text]
            found = wait(fake, lambda: [c for c in reply_to(fake, chat, m["message_id"])
                                        if answer in c["params"]["text"] or (text == "打卡" and "打卡" in c["params"]["text"])], 45)
            if check(found, f"no reply to {text!r} (message {m['message_id']}) containing {answer!r}"):
                check(m["from"]["id"] in mentions(found[0]),
                      f"the reply to {text!r} does not mention the asker as a text_mention: {short(found[0]['params'])}")
                entity = [e for e in found[0]["params"].get("entities", []) if e.get("type") == "text_mention"]
                if entity:
                    e = entity[0]
                    check(e.get("offset") == 0 and 0 < e.get("length", 0) <= utf16_len(found[0]["params"]["text"]),
                          f"the mention of the reply to {text!r} is not a prefix: {e}")

        ad1, ad2 = message_with(updates, "jz-rijie.example.cn")
        check(wait(fake, lambda: calls(fake, "sendMessage", status=403, chat_id=XIAOLU), 30),
              "the ad's DM to 小鹿 (who never started the bot) was not tried")
        check(wait(fake, lambda: fallback_for(fake, G1, XIAOLU, "下一次是"), 30),
              "the refused ad DM was not posted in the group mentioning 小鹿 (dm_fallback: group)")
        check(wait(fake, lambda: calls(fake, "deleteMessage", chat_id=G1, message_id=ad2["message_id"]), 30),
              f"the second ad (message {ad2['message_id']}) was not deleted")
        check(not calls(fake, "deleteMessage", chat_id=G1, message_id=ad1["message_id"]),
              "the first ad was deleted: the ladder's first step is a DM only")
        check(wait(fake, lambda: fallback_for(fake, G1, XIAOLU, "第 2 次提醒"), 30),
              "the second ad's refused DM was not posted in the group mentioning 小鹿")
        check(wait(fake, lambda: [c for c in sends(fake, ADMIN_CHAT, contains="ad-contact") if "小鹿" in c["params"]["text"]], 30),
              "no notice about the second ad in admin_chat")

        flood = message_with(updates, "有人一起拼团买鱼油吗")
        for m in flood[2:]:
            check(wait(fake, lambda: calls(fake, "deleteMessage", chat_id=G1, message_id=m["message_id"]), 30),
                  f"the repeated message {m['message_id']} was not deleted")
        for m in flood[:2]:
            check(not calls(fake, "deleteMessage", chat_id=G1, message_id=m["message_id"]),
                  f"message {m['message_id']} (before the third copy) was deleted")
        check(wait(fake, lambda: len(calls(fake, "sendMessage", chat_id=LAOLI)) >= 2, 30),
              "the two flood DMs to 老李 (who started the bot) were not delivered")
        check(not [c for c in sends(fake, G1) if LAOLI in mentions(c)],
              "a DM to 老李 fell back to the group although it was delivered")
        mutes = wait(fake, lambda: [c for c in calls(fake, "restrictChatMember", chat_id=G1, user_id=LAOLI)
                                    if c["params"]["permissions"].get("can_send_messages") is False], 30)
        if check(mutes, "no restrictChatMember muting 老李"):
            mute = mutes[0]
            permissions = mute["params"]["permissions"]
            check(permissions and not any(permissions.values()), f"the mute leaves permissions on: {permissions}")
            until = mute["params"].get("until_date")
            check(isinstance(until, int) and 540 <= until - mute["t"] <= 660,
                  f"the mute's until_date {until} is not about 10 minutes after the call ({int(mute['t'])})")
            unmutes = wait(fake, lambda: [c for c in calls(fake, "restrictChatMember", chat_id=G1, user_id=LAOLI)
                                          if c["params"]["permissions"].get("can_send_messages") is True], 30)
            if check(unmutes, "the admin's 赦免 did not lift the mute (restrictChatMember with permissions true)"):
                check(all(unmutes[0]["params"]["permissions"].values()), f"the unmute leaves permissions off: {unmutes[0]['params']}")
                check(unmutes[0]["t"] >= mute["t"], "the unmute went out before the mute")
        check(wait(fake, lambda: len(sends(fake, ADMIN_CHAT, contains="flood")) >= 2, 30),
              "the two flood notices did not reach admin_chat")
        check(wait(fake, lambda: sends(fake, ADMIN_CHAT, contains="赦免"), 30), "the pardon's notice did not reach admin_chat")

        check(wait(fake, lambda: fallback_for(fake, G1, LILY, "群昵称改好啦"), 30),
              "the renamed member's thank-you (a refused DM) was not posted in the group")
        check(wait(fake, lambda: calls(fake, "approveChatJoinRequest", chat_id=G1, user_id=HEWEI), 30),
              "the join request with an order number was not approved")
        check(wait(fake, lambda: sends(fake, ADMIN_CHAT, contains="Mike Chen"), 30),
              "the join request without an order number was not reported to admin_chat")
        check(not [c for c in fake.calls if c["method"] == "declineChatJoinRequest"], "a join request was declined")

        remaining = max(5, WELCOME_WAIT - (time.time() - (first_join or time.time())))
        phase(remaining + 15)
        welcome = wait(fake, lambda: [c for c in sends(fake, G1, contains="欢迎") if "Lily Lin" in c["params"]["text"]], remaining)
        if check(welcome, f"no welcome naming Lily Lin in {G1} within {WELCOME_WAIT} s of the first join"):
            text = "".join(c["params"]["text"] for c in sends(fake, G1, contains="欢迎"))
            for name in NEWCOMERS:
                check(text.count(name) == 1, f"the welcomes name {name} {text.count(name)} times, expected once "
                      f"(the service message and the chat_member update of one join must act once): {short(text)}")
            count = re.search(r"(\d+) 位小伙伴", welcome[0]["params"]["text"])
            check(count and 280 <= int(count.group(1)) <= 290,
                  f"the welcome's member count is not getChatMemberCount's (286, give or take the joins and leaves): "
                  f"{short(welcome[0]['params']['text'])}")
        vip = wait(fake, lambda: sends(fake, G2, contains="Sunny Wu"), 15)
        if check(vip, "no VIP welcome for Sunny Wu"):
            check(SUNNY in mentions(vip[0]), "the VIP welcome of a single newcomer does not mention her")

        check(not [c for c in fake.calls if c["method"] == "getUpdates"], "serve called getUpdates in webhook mode")
        common_checks(check, fake, {XIAOLU, LILY, 5120004202, 5120004203, HEWEI, SUNNY, MIKE})
        stop_checks(check, serve)
        check.done()
    finally:
        serve.stop()
        fake.stop()


def scenario_polling(ctx, folder):
    updates = recorded_updates()
    fake = new_fake(ctx, "polling")
    for u in updates:
        fake.queue_update(u)
    last = updates[-1]["update_id"]
    serve = Serve(ctx.binary, folder, fake, "polling", ctx.verbose)
    check = Checks()
    try:
        serve.start()
        phase(40)
        confirmed = wait(fake, lambda: [c for c in fake.calls if c["method"] == "getUpdates" and c["params"].get("offset") == last + 1], 30)
        check(confirmed, f"serve never polled past the last update (offset {last + 1})\n{serve.tail()}")
        polls = [c for c in fake.calls if c["method"] == "getUpdates"]
        for c in polls:
            allowed = c["params"].get("allowed_updates")
            check(allowed is not None and sorted(allowed) == ["chat_join_request", "chat_member", "message"],
                  f"getUpdates asked for allowed_updates {allowed}, expected message, chat_member, chat_join_request")
            check(c["params"].get("timeout") == 1, f"getUpdates timeout {c['params'].get('timeout')}, expected poll_timeout_seconds 1")
        offsets = [c["params"].get("offset") for c in polls if c["params"].get("offset") is not None]
        check(offsets == sorted(offsets), f"the getUpdates offsets go back: {offsets}")
        check(not [c for c in polls if c["status"] == 409], "getUpdates conflicts (409): two polls at once")

        price = message_with(updates, "鱼油多少钱一瓶呀")[0]
        check(wait(fake, lambda: reply_to(fake, G1, price["message_id"]), 30), "no reply to the price question")
        check(wait(fake, lambda: calls(fake, "approveChatJoinRequest", chat_id=G1, user_id=HEWEI), 30), "the join request was not approved")
        check(wait(fake, lambda: fallback_for(fake, G1, XIAOLU, "下一次是"), 30), "the refused ad DM was not posted in the group")
        check(wait(fake, lambda: [c for c in calls(fake, "restrictChatMember", chat_id=G1, user_id=LAOLI)
                                  if c["params"]["permissions"].get("can_send_messages") is False], 30), "老李 was not muted")
        # let the ledger drain before the restart
        time.sleep(2)
        status = serve.stop()
        check(status == 0, f"serve did not stop cleanly on SIGTERM: exit status {status}")
        time.sleep(1.5)  # the stopped serve's last long poll (timeout 1) ends in the fake
        before = len(fake.calls)

        now = LATER  # a daytime date, so the night-time rule never answers too
        invoice = {"message_id": 39001, "from": {"id": ZHAOMIN, "is_bot": False, "first_name": "北京-赵敏-鱼油", "language_code": "zh-hans"},
                   "chat": {"id": G1, "title": "鲜海鱼油粉丝福利3群", "username": "xianhai_fans3", "type": "supergroup"},
                   "date": now, "text": "发票怎么开？想开公司抬头"}
        newcomer = {"id": 5120004403, "is_bot": False, "first_name": "西安-宋佳-鱼油", "language_code": "zh-hans"}
        fake.queue_update({"update_id": last + 1, "message": invoice})
        fake.queue_update({"update_id": last + 2, "chat_join_request": {
            "chat": invoice["chat"], "from": newcomer, "user_chat_id": newcomer["id"], "date": now,
            "bio": "老顾客，订单号：2026120300517"}})

        serve.start()
        phase(30)
        check(wait(fake, lambda: reply_to(fake, G1, invoice["message_id"]), 30), "no reply to the invoice question after the restart")
        check(wait(fake, lambda: calls(fake, "approveChatJoinRequest", chat_id=G1, user_id=newcomer["id"]), 30),
              "the join request queued during the restart was not approved")
        after = [c for c in fake.calls[before:] if c["method"] == "getUpdates"]
        if check(after, "no getUpdates after the restart"):
            check(after[0]["params"].get("offset") == last + 1,
                  f"the first getUpdates after the restart has offset {after[0]['params'].get('offset')}, expected {last + 1} "
                  f"(the offset persisted in the state file)")
        time.sleep(2)  # anything acted on twice would show up by now
        twice = {k: v for k, v in fake.deliveries.items() if v > 1}
        check(not twice, f"updates handed out more than once: {twice}")
        for what, found in (("the price question was answered", reply_to(fake, G1, price["message_id"])),
                            ("the first join request was approved", calls(fake, "approveChatJoinRequest", chat_id=G1, user_id=HEWEI)),
                            ("the invoice question was answered", reply_to(fake, G1, invoice["message_id"]))):
            check(len(found) <= 1, f"{what} {len(found)} times, expected once")
        check(not calls(fake, "approveChatJoinRequest", status=400), "an approval was sent twice (HIDE_REQUESTER_MISSING)")
        common_checks(check, fake, {XIAOLU, LILY, 5120004202, 5120004203, HEWEI, SUNNY, MIKE, newcomer["id"]})
        stop_checks(check, serve)
        check.done()
    finally:
        serve.stop()
        fake.stop()


def scenario_pacing(ctx, folder):
    fake = new_fake(ctx, "pacing")
    serve = Serve(ctx.binary, folder, fake, "webhook", ctx.verbose)
    check = Checks()
    try:
        serve.start()
        chats = {G1: {"id": G1, "title": "鲜海鱼油粉丝福利3群", "username": "xianhai_fans3", "type": "supergroup"},
                 G2: {"id": G2, "title": "鲜海VIP会员2群", "type": "supergroup"}}
        now = LATER
        posted = []
        for i in range(12):
            chat = G1 if i % 2 == 0 else G2
            user = {"id": 5120006001 + i, "is_bot": False, "first_name": f"财富自由{i + 1}号", "language_code": "zh-hans"}
            update = {"update_id": 861390001 + i, "message": {"message_id": 50001 + i, "from": user, "chat": chats[chat],
                                                              "date": now, "text": "手机刷单，一单一结，日赚三百，名额有限"}}
            status, body = fake.post_update(f"http://127.0.0.1:{serve.port}/telegram/webhook", update, SECRET)
            check(status == 200, f"update {update['update_id']} got {status} {short(body)}")
            posted.append((chat, update["message"]["message_id"]))
        phase(50)
        done = wait(fake, lambda: len(calls(fake, "deleteMessage")) >= 12 and len(sends(fake, ADMIN_CHAT)) >= 12, 45)
        check(done, f"after 45 s: {len(calls(fake, 'deleteMessage'))} of 12 deletions, {len(sends(fake, ADMIN_CHAT))} of 12 notices")
        for chat, message_id in posted:
            check(len(calls(fake, "deleteMessage", chat_id=chat, message_id=message_id)) == 1, f"message {message_id} in {chat} not deleted once")
        times = sorted(c["t"] for c in sends(fake, ADMIN_CHAT))
        for window, cap in ((1.0, FAKE_LIMITS["per_chat_per_second"]), (60.0, FAKE_LIMITS["per_chat_per_minute"])):
            worst = max((sum(1 for t in times if s <= t < s + window) for s in times), default=0)
            check(worst <= cap, f"{worst} notices within {window:g} s into admin_chat, at most {cap}")
        common_checks(check, fake, set())
        stop_checks(check, serve)
        check.done()
    finally:
        serve.stop()
        fake.stop()


SCENARIOS = {"webhook": scenario_webhook, "polling": scenario_polling, "pacing": scenario_pacing}


class Context:
    def __init__(self, binary, verbose):
        self.binary, self.verbose = binary, verbose


def main():
    parser = argparse.ArgumentParser(description="End-to-end test of groupbot serve's Telegram dialect against a fake Bot API.")
    parser.add_argument("--binary", help="the groupbot binary (e.g. .build/debug/groupbot)")
    parser.add_argument("--only", help="comma-separated scenarios: " + ", ".join(SCENARIOS))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (serve logs, state files)")
    parser.add_argument("--verbose", action="store_true", help="print every call the fakes answer")
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    args = parser.parse_args()
    if args.list:
        for name in SCENARIOS:
            print(name)
        return 0
    if not args.binary:
        parser.error("--binary is required")
    binary = Path(args.binary).resolve()
    if not binary.exists():
        parser.error(f"{binary} does not exist (build it with swift build)")
    names = [n.strip() for n in (args.only or ",".join(SCENARIOS)).split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; expected {', '.join(SCENARIOS)}")

    tmp = Path(tempfile.mkdtemp(prefix="groupbot-telegram-live-"))
    ctx = Context(binary, args.verbose)
    results = {}
    started = time.time()

    def run(name):
        folder = tmp / name
        folder.mkdir()
        t = time.time()
        try:
            SCENARIOS[name](ctx, folder)
            results[name] = None
            say(f"{name}: ok ({time.time() - t:.0f} s)")
        except Failed as failure:
            text = str(failure)
            results[name] = text
            say(f"{name}: FAILED ({time.time() - t:.0f} s)" + (text if text.startswith("\n") else "\n  - " + text))
        except Exception:
            results[name] = traceback.format_exc()
            say(f"{name}: ERROR\n{traceback.format_exc()}")

    threads = [threading.Thread(target=run, args=(name,), name=name) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    failed = [n for n in names if results.get(n) is not None]
    if args.keep or failed:
        say(f"serve logs and state files: {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        say(f"telegram live: {len(failed)} of {len(names)} scenario(s) failed ({time.time() - started:.0f} s)")
        return 1
    say("telegram live: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
