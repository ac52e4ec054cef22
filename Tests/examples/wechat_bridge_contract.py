#!/usr/bin/env python3
"""Contract test of the example WeChat bridge (examples/wechat-bridge/bridge.py).

    python3 Tests/examples/wechat_bridge_contract.py .build/debug/groupbot

1. A recorded morning of hook payloads (three groups: a regional pick-up group
   whose topic maps it to the `regional` type, two fan groups of the default
   type) goes through `to_events`; every event must carry the fields of
   CONTRACT below, with the values the payload gave.
2. The events are piped through `groupbot run --rules rules/ --clock events
   --state memory`: no line may be refused, and the actions must show the
   enrichment at work (the welcome names the newcomer and the group by its
   topic and gives the member count; the regional FAQ answers; the invite
   reward names the inviter by the nickname the member list taught; a member
   already in another fan group is told so). The same events stripped of the
   enrichment show what breaks without it, as docs/wire-format.md says.
   The member list also goes through `groupbot members import`.
3. `to_calls` turns those actions, and one example of every action kind in
   docs/wire-format.md, into the hook client's calls.
4. Signing against the real thing: `groupbot serve` with
   GROUPBOT_WEBHOOK_SECRETS takes a batch signed by the bridge's
   `post_events` (200 + the actions, then all duplicates on a re-post) and
   refuses a wrong secret or a changed body (401). The bridge's own HTTP
   server is then run against serve and a fake hook API: a hook payload comes
   out as a send call, a signed callback is carried out once, an unsigned one
   is refused, a refused private message falls back to the group, and a call
   the hook client refuses is answered 502 so that groupbot retries it.

Exit status 1 with the failures listed; `wechat bridge contract: ok` on success.
Python 3 standard library only; only 127.0.0.1 addresses.
"""
import base64, datetime, http.server, importlib.util, io, json, os, re, subprocess, sys, tempfile
import threading, time, traceback
import urllib.error, urllib.request

sys.dont_write_bytecode = True  # no __pycache__ beside the example
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "Tests", "support"))
from e2e import free_port, terminate, wait_healthy  # noqa: E402
BINARY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, ".build/debug/groupbot"))
spec = importlib.util.spec_from_file_location("bridge", os.path.join(REPO, "examples/wechat-bridge/bridge.py"))
bridge = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bridge)
failures = []


def stopped(kind, value, trace):
    """An exception is a failure too: say so plainly, with what had failed before it."""
    print("wechat bridge contract: FAILED (the test stopped)", file=sys.stderr)
    for failure in failures:
        print("  - " + failure, file=sys.stderr)
    traceback.print_exception(kind, value, trace)


sys.excepthook = stopped


def expect(condition, message):
    if not condition:
        failures.append(message)
    return condition


# The contract: what every event the bridge produces carries. "always" fields come from the
# payload's own ids and times; "enrichment" fields are the ones a platform adapter must fill
# (docs/wire-format.md, "Enrichment: what an adapter fills"); "when given" ones appear when
# the payload has them.
CONTRACT = {
    #  type        always                                            enrichment                              when given
    "message": (("id", "ts", "group", "user", "kind", "text"), ("group_name", "nick", "role"), ("amount", "reply_to", "mentions")),
    "join":    (("id", "ts", "group", "user"),                   ("group_name", "nick", "member_count"), ("inviter", "role")),
    "leave":   (("id", "ts", "group", "user"),                   ("group_name", "nick", "member_count"), ("role",)),
    "rename":  (("id", "ts", "group", "user", "nick"),           ("group_name",),                        ("old_nick", "role")),
    "member":  (("id", "ts", "group", "user"),                   ("group_name", "nick", "role"),         ()),
}
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(clock):
    return int(datetime.datetime.fromisoformat("2026-11-24T" + clock).replace(tzinfo=SHANGHAI).timestamp())


PICKUP = {"id": "34587781234@chatroom", "topic": "鲜海优选·西安雁塔自提群"}   # 西安 -> regional
FANS3 = {"id": "20817755301@chatroom", "topic": "鲜海鱼油粉丝福利3群"}        # default: general
FANS5 = {"id": "20817755305@chatroom", "topic": "鲜海鱼油粉丝福利5群"}


def room(base, count):
    return dict(base, member_count=count)


def who(wxid, name, owner=False, admin=False):
    return {"wxid": wxid, "display_name": name, "is_owner": owner, "is_admin": admin}


NEWCOMERS = [who("wxid_f%d" % n, name) for n, name in enumerate(["阿珍", "老何", "Coco", "小雨", "郑姐"], 1)]
# What a hook client posted one Tuesday morning, in order: the fan group's member list, then a
# question, an invited newcomer, a link ad, a rename and a follow-up in the pick-up group, a red
# packet, WeChat's own grey note and five newcomers invited at once in the fan group, a leave,
# and a listed fan-group member joining a second fan group.
MORNING = [
    {"event": "member_list", "room": room(FANS3, 151), "time": at("09:30:00"), "members": [
        who("wxid_chen", "鲜海-陈姐-群主", owner=True), who("wxid_wf", "西安-王芳-鱼油"),
        who("wxid_zq", "北京-赵强-鱼油"), who("wxid_zhou", "小周装修")]},
    {"event": "message", "room": room(PICKUP, 86), "time": at("10:00:05"), "msg_id": "7301",
     "sender": who("wxid_lw", "西安-雁塔区-李雯"), "msg_type": "text", "text": "门店地址在哪呀，明天想去自提"},
    {"event": "join", "room": room(PICKUP, 87), "time": at("10:02:10"),
     "members": [{"wxid": "wxid_lx", "display_name": "刘欣"}], "inviter": {"wxid": "wxid_lw", "display_name": "西安-雁塔区-李雯"}},
    {"event": "message", "room": room(PICKUP, 87), "time": at("10:04:30"), "msg_id": "7302",
     "sender": who("wxid_zhou", "小周装修"), "msg_type": "link", "text": "全屋定制工厂直销，点开领优惠券",
     "url": "https://m.example.cn/coupon?id=8848"},
    {"event": "rename", "room": room(PICKUP, 87), "time": at("10:06:00"),
     "member": {"wxid": "wxid_lx", "display_name": "西安-雁塔区-刘欣"}, "old_display_name": "刘欣"},
    {"event": "message", "room": room(PICKUP, 87), "time": at("10:08:00"), "msg_id": "7303",
     "sender": who("wxid_lx", "西安-雁塔区-刘欣"), "msg_type": "text", "text": "请问门店几点开门？", "reply_to": "7301"},
    {"event": "message", "room": room(FANS3, 151), "time": at("10:10:00"), "msg_id": "8101",
     "sender": who("wxid_chen", "鲜海-陈姐-群主", owner=True), "msg_type": "red_packet", "text": "早安红包", "amount": 6.6},
    {"event": "message", "room": room(FANS3, 151), "time": at("10:10:30"), "msg_id": "8102",
     "sender": who("wxid_chen", "鲜海-陈姐-群主", owner=True), "msg_type": "system", "text": "\"阿珍\"加入了群聊"},
    {"event": "join", "room": room(FANS3, 156), "time": at("10:12:00"), "members": NEWCOMERS,
     "inviter": {"wxid": "wxid_wf", "display_name": "西安-王芳-鱼油"}},
    {"event": "leave", "room": room(PICKUP, 86), "time": at("10:20:00"), "member": {"wxid": "wxid_zhou", "display_name": "小周装修"}},
    {"event": "join", "room": room(FANS5, 203), "time": at("10:30:00"), "members": [{"wxid": "wxid_zq", "display_name": "北京-赵强-鱼油"}]},
]
TICK = {"type": "tick", "ts": "2026-11-24T12:00:00+08:00"}
ENRICHMENT = ("group_name", "nick", "role", "member_count", "inviter", "old_nick")


def run_groupbot(events, *extra):
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
    done = subprocess.run([BINARY, "run", "--rules", "rules/", "--clock", "events", *extra], cwd=REPO, input=text,
                          capture_output=True, encoding="utf-8", timeout=120)
    # The only stderr line allowed is the note about timers still pending when the input ends.
    complaints = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("input ended with")]
    expect(done.returncode == 0 and not complaints, f"groupbot run refused lines: {complaints}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def find(actions, rule, **fields):
    return [a for a in actions if a["rule"] == rule and all(a.get(k) == v for k, v in fields.items())]


# --- 1. to_events against the contract ----------------------------------------
events = []
for payload in MORNING:
    produced = bridge.to_events(payload, bot_wxid="wxid_bot01")
    for event in produced:
        always, enrichment, optional = CONTRACT.get(event["type"], ((), (), ()))
        expect(event["type"] in CONTRACT, f"unexpected event type {event['type']}")
        for key in always + enrichment:
            expect(event.get(key) not in (None, ""), f"{event['type']} {event.get('id')}: missing '{key}'")
        extra = set(event) - {"type", *always, *enrichment, *optional}
        expect(not extra, f"{event['type']} {event.get('id')}: fields outside the contract {sorted(extra)}")
        expect(re.fullmatch(r"2026-11-24T\d\d:\d\d:\d\d\+08:00", event["ts"]), f"{event['id']}: ts {event['ts']}")
        expect(event.get("group") == payload["room"]["id"] and event.get("group_name") == payload["room"]["topic"],
               f"{event['id']}: group or group_name not the room's")
        if "member_count" in enrichment:
            expect(event.get("member_count") == payload["room"]["member_count"], f"{event['id']}: member_count")
    events += produced
expect(len({e["id"] for e in events}) == len(events), "event ids are not unique")
kinds = [e["type"] for e in events]
expect(kinds.count("member") == 4 and kinds.count("join") == 7, f"member list or joins not split up: {kinds}")
by_id = {e["id"]: e for e in events}
expect(by_id.get("7302", {}).get("text", "").endswith("https://m.example.cn/coupon?id=8848") and by_id["7302"]["kind"] == "link",
       "a link's URL is not in its text")
expect(by_id.get("8101", {}).get("kind") == "red_packet" and by_id["8101"].get("amount") == 6.6, "red packet lost its amount")
expect(by_id.get("8101", {}).get("role") == "owner", "the owner's role is not 'owner'")
expect("8102" not in by_id, "a system message became an event")
expect(all(e.get("inviter") == "wxid_wf" for e in events if e["type"] == "join" and e["group"] == FANS3["id"]),
       "batch joins lost their inviter")
expect(bridge.to_events(dict(MORNING[1], sender=who("wxid_bot01", "鲜海小助手")), bot_wxid="wxid_bot01") == [],
       "the bot's own message became an event")
for broken, field in ((dict(MORNING[1], room={"topic": "x"}), "room.id"), (dict(MORNING[1], msg_id=None), "msg_id"),
                      (dict(MORNING[4], member={"wxid": "wxid_lx"}), "member.display_name")):
    try:
        bridge.to_events(broken)
        expect(False, f"a payload without {field} was accepted")
    except bridge.BridgeError as error:
        expect(field in str(error), f"the error for a missing {field} does not name it: {error}")

# --- 2. the events through groupbot run -----------------------------------------
actions = run_groupbot(events + [TICK], "--state", "memory")
welcome = find(actions, "welcome-script", group=PICKUP["id"], mention="wxid_lx")
expect(welcome and "刘欣" in welcome[0]["text"] and "「鲜海优选·西安雁塔自提群」" in welcome[0]["text"]
       and "87 位街坊" in welcome[0]["text"], f"the pick-up group's welcome is not enriched: {welcome[:1]}")
expect(find(actions, "faq-store-address", reply_to="7301", mention="wxid_lw"), "the regional FAQ was not answered")
expect(find(actions, "faq-opening-hours", reply_to="7303"), "the opening-hours question was not answered")
expect(find(actions, "ad-contact", action="dm", user="wxid_zhou"), "the link ad was not guided privately")
expect(any("鲜海-陈姐-群主" in a["text"] for a in find(actions, "red-packet-thanks", cause="8101")), "the red packet was not thanked")
thanks = [a["text"] for a in find(actions, "nickname-template", group=PICKUP["id"])]
expect(len(thanks) == 1 and thanks[0].startswith("谢谢 西安-雁塔区-刘欣"),
       f"the rename did not end the nickname reminders with a thank-you: {thanks}")
batch = find(actions, "welcome-script", group=FANS3["id"], action="send")
expect(batch and all(n["display_name"] in batch[0]["text"] for n in NEWCOMERS) and "156 位小伙伴" in batch[0]["text"],
       "the five newcomers were not welcomed together with the member count")
reward = find(actions, "invite-reward", group=FANS3["id"], action="send")
expect(reward and "西安-王芳-鱼油" in reward[0]["text"], f"the invite reward does not name the inviter by nickname: {reward[:1]}")
expect(find(actions, "one-general-group", user="wxid_zq", action="dm"),
       "a member listed in one fan group was not told about joining a second one")
expect(not [a for a in actions if a["cause"].startswith("member:")], "a member-list line caused actions")
expect(not find(actions, "nickname-template", user="wxid_zhou"), "a listed member got nickname reminders")

# Without the enrichment: what docs/wire-format.md says breaks.
bare = run_groupbot([{k: v for k, v in e.items() if k not in ENRICHMENT} for e in events] + [TICK], "--state", "memory")
plain = find(bare, "welcome-script", group=PICKUP["id"], action="send")
expect(plain and "wxid_lx" in plain[0]["text"] and f"「{PICKUP['id']}」" in plain[0]["text"] and "1 位小伙伴" in plain[0]["text"],
       f"without enrichment the welcome should show ids, the default type and a count from zero: {plain[:1]}")
expect(not find(bare, "faq-store-address"), "without group_name the group still mapped to the regional type")
expect(not find(bare, "invite-reward"), "without inviter the invite reward still fired")
expect(any("麻烦把群昵称改成" in a["text"] for a in find(bare, "nickname-template", user="wxid_lx")),
       "without nick a rename still ended the reminders")

# The member list offline: groupbot members import, then a run on that state file.
with tempfile.TemporaryDirectory() as scratch:
    listing = os.path.join(scratch, "members.csv")
    with open(listing, "w", encoding="utf-8") as out:
        out.write("group,user,nick,role\n")
        out.writelines(f"{e['group']},{e['user']},{e['nick']},{e['role']}\n" for e in events if e["type"] == "member")
    state = os.path.join(scratch, "state.sqlite")
    imported = subprocess.run([BINARY, "members", "import", listing, "--state", state, "--rules", "rules/"], cwd=REPO,
                              capture_output=True, encoding="utf-8", timeout=120)
    expect(imported.returncode == 0, f"groupbot members import failed: {imported.stderr.strip()}")
    second = run_groupbot([by_id[f"join:{FANS5['id']}:wxid_zq:{at('10:30:00')}"]], "--state", state)
    expect(find(second, "one-general-group", user="wxid_zq"), "an imported member list did not teach the membership")

# --- 3. to_calls ------------------------------------------------------------------
faq_calls = bridge.to_calls(find(actions, "faq-store-address")[0])
expect(faq_calls == [{"op": "send_text", "room": PICKUP["id"], "text": find(actions, "faq-store-address")[0]["text"],
                      "at": ["wxid_lw"], "quote": "7301", "action_id": "7301:faq-store-address:0"}], f"reply call: {faq_calls}")
expect("at" not in bridge.to_calls(batch[0])[0], "a combined welcome (no mention) got an @")
dm = bridge.to_calls(find(actions, "ad-contact")[0])
expect(dm and dm[0]["op"] == "send_private" and dm[0]["wxid"] == "wxid_zhou" and dm[0]["room"] == PICKUP["id"], f"dm call: {dm}")
notice = find(actions, "one-general-group", action="notify")[0]
calls = bridge.to_calls(notice, admins=["wxid_ops1", "wxid_ops2"], admin_room="ops@chatroom")
expect([(c["op"], c.get("wxid") or c.get("room")) for c in calls] ==
       [("send_private", "wxid_ops1"), ("send_private", "wxid_ops2"), ("send_text", "ops@chatroom")], f"notify calls: {calls}")
expect(bridge.to_calls(notice) == [], "a notify with no admin configured made calls")
expect(all(c["action_id"] == a["id"] for a in actions for c in bridge.to_calls(a, admins=["x"])), "a call lost its action id")
def documented_actions():
    """The action lines quoted in docs/wire-format.md (its example of every kind, and others)."""
    for line in open(os.path.join(REPO, "docs/wire-format.md"), encoding="utf-8"):
        if line.startswith('{"id":') and '"action":' in line:
            try:
                yield json.loads(line)
            except ValueError:
                pass  # a shortened quote such as {"id":"…",…}


documented = list(documented_actions())
expected_ops = {"send": "send_text", "dm": "send_private", "delete": "revoke", "mute": "mute", "unmute": "unmute",
                "kick": "remove_member", "approve": "accept_join", "reject": "reject_join", "notify": "send_private"}
for action in documented:
    ops = [c["op"] for c in bridge.to_calls(action, admins=["wxid_ops1"])]
    expect(ops[:1] == [expected_ops[action["action"]]], f"{action['id']} ({action['action']}) -> {ops}")
expect(set(expected_ops) <= {a["action"] for a in documented}, "docs/wire-format.md lost an example action kind")
expect(bridge.to_calls({"id": "x:y:0", "action": "delete", "group": "g", "user": "u", "message": "m1", "rule": "y",
                        "cause": "x", "ts": "t"}) == [{"op": "revoke", "room": "g", "msg_id": "m1", "action_id": "x:y:0"}],
       "delete call")


# --- 4. signing against groupbot serve, and the bridge's own server ----------------
class ServeDown(Exception):
    """groupbot serve did not come up: the serve checks are skipped (and counted as failed)."""


class FakeHook(http.server.BaseHTTPRequestHandler):
    """The hook client's send API: records calls; refuses private messages to wxid_stranger, and mutes
    (WeChat groups have none)."""
    calls = []

    def do_POST(self):
        call = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeHook.calls.append(call)
        refused = call["op"] == "mute" or (call["op"] == "send_private" and call["wxid"] == "wxid_stranger")
        body = json.dumps({"ok": not refused}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def post_raw(url, body, headers):
    request = urllib.request.Request(url, data=body, headers=dict(headers, **{"Content-Type": "application/json"}), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
callback_secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
port = free_port()
base = f"http://127.0.0.1:{port}"
log = tempfile.TemporaryFile(mode="w+")
bridge_log = io.StringIO()  # what the bridge writes on stderr (a refused DM, here on purpose)
serve = subprocess.Popen([BINARY, "serve", "--rules", "rules/", "--state", "memory", "--port", str(port)], cwd=REPO,
                         stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, GROUPBOT_WEBHOOK_SECRETS=secret))
servers = []
real_stderr, sys.stderr = sys.stderr, bridge_log
try:
    if wait_healthy(serve, port, limit=30, interval=0.1) is not None:
        expect(False, f"groupbot serve did not come up (exit status {serve.poll()}); its log is below")
        raise ServeDown  # on to `finally`, which prints the log and the failures
    live = [e for e in events if e["group"] != FANS5["id"]]
    status, answer = bridge.post_events(base, live, secret)
    expect(status == 200 and isinstance(answer, dict) and answer.get("processed") == len(live),
           f"signed batch: {status} {answer}")
    served = answer.get("actions", []) if isinstance(answer, dict) else []
    expect(find(served, "faq-store-address", reply_to="7301") and find(served, "ad-contact", user="wxid_zhou")
           and find(served, "invite-reward", group=FANS3["id"]), f"serve's actions miss the FAQ, the ad or the reward: {served}")
    status, again = bridge.post_events(base, live, secret)
    expect(status == 200 and again.get("duplicates") == len(live) and not again.get("actions"), f"re-post: {status} {again}")
    wrong = "whsec_" + base64.b64encode(os.urandom(24)).decode()
    status, _ = bridge.post_events(base, [dict(live[1], id="7399")], wrong)
    expect(status == 401, f"a wrong secret got {status}, not 401")
    body = json.dumps([dict(live[1], id="7398")]).encode()
    headers = {"webhook-id": "m1", "webhook-timestamp": str(int(time.time()))}
    headers["webhook-signature"] = bridge.sign(secret, "m1", headers["webhook-timestamp"], body)
    expect(post_raw(base + "/v1/events", body.replace(b"7398", b"7397"), headers) == 401, "a changed body was accepted")

    # The bridge's HTTP server between the fake hook client and serve.
    hook_port, bridge_port = free_port(), free_port()
    servers.append(http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), FakeHook))
    os.environ.update(GROUPBOT_WEBHOOK_SECRET=secret, GROUPBOT_CALLBACK_SECRET=callback_secret)
    options = bridge.parse_options(["--hook-api", f"http://127.0.0.1:{hook_port}/send", "--groupbot", base,
                                    "--bot-wxid", "wxid_bot01"])
    handler = bridge.make_handler(bridge.Bridge(options))
    handler.log_message = lambda *args: None
    servers.append(http.server.ThreadingHTTPServer(("127.0.0.1", bridge_port), handler))
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    question = dict(MORNING[1], msg_id="7310", sender=who("wxid_hy", "西安-长安区-胡燕"), text="请问在哪自提呀")
    status = post_raw(f"http://127.0.0.1:{bridge_port}/hook", json.dumps(question, ensure_ascii=False).encode(), {})
    expect(status == 200 and any(c.get("quote") == "7310" and c.get("at") == ["wxid_hy"] for c in FakeHook.calls),
           f"a hook payload did not come back as a reply call ({status}): {FakeHook.calls}")
    later = {"id": "later:welcome-script:2", "action": "dm", "group": PICKUP["id"], "user": "wxid_stranger",
             "text": "你好邻居～", "rule": "welcome-script", "cause": "later", "ts": "2026-11-24T10:06:10+08:00"}
    body = json.dumps({"actions": [later]}, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    signed = {"webhook-id": later["id"], "webhook-timestamp": stamp,
              "webhook-signature": bridge.sign(callback_secret, later["id"], stamp, body)}
    callback_url = f"http://127.0.0.1:{bridge_port}/groupbot/actions"
    FakeHook.calls.clear()
    expect(post_raw(callback_url, body, {}) == 401 and not FakeHook.calls, "an unsigned callback was carried out")
    expect(post_raw(callback_url, body, dict(signed, **{"webhook-signature": bridge.sign(secret, later["id"], stamp, body)})) == 401,
           "a callback signed with another secret was accepted")
    expect(post_raw(callback_url, body, signed) == 200 and post_raw(callback_url, body, signed) == 200, "a signed callback was refused")
    expect([c["op"] for c in FakeHook.calls] == ["send_private", "send_text"] and FakeHook.calls[1].get("at") == ["wxid_stranger"],
           f"a refused DM did not fall back to the group once: {FakeHook.calls}")
    mute = {"id": "7302:ad-contact:3", "action": "mute", "group": PICKUP["id"], "user": "wxid_zhou", "seconds": 3600,
            "rule": "ad-contact", "cause": "7302", "ts": "2026-11-24T10:04:30+08:00"}
    body = json.dumps({"actions": [mute]}).encode()
    signed = {"webhook-id": mute["id"], "webhook-timestamp": stamp,
              "webhook-signature": bridge.sign(callback_secret, mute["id"], stamp, body)}
    FakeHook.calls.clear()
    expect(post_raw(callback_url, body, signed) == 502 and post_raw(callback_url, body, signed) == 502
           and [c["op"] for c in FakeHook.calls] == ["mute", "mute"],
           f"a call the hook client refused was not answered 502 (for groupbot to retry): {FakeHook.calls}")
except ServeDown:
    pass
finally:
    sys.stderr = real_stderr
    for server in servers:
        server.shutdown()
    terminate(serve, timeout=15)
    if failures:
        log.seek(0)
        print("groupbot serve's log:\n" + log.read()[-3000:] + "\nthe bridge's log:\n" + bridge_log.getvalue(), file=sys.stderr)

if failures:
    print("wechat bridge contract: FAILED", file=sys.stderr)
    for failure in failures:
        print("  - " + failure, file=sys.stderr)
    sys.exit(1)
print("wechat bridge contract: ok")
