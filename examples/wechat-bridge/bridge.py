#!/usr/bin/env python3
"""An example bridge between a WeChat-style hook client and `groupbot serve`.

Personal-WeChat hook frameworks and WeCom customer groups have no standard bot
protocol, and WeCom's app API does not deliver group chat messages, so a live
deployment runs a hook client that posts JSON. This bridge takes that JSON
(the shape below), turns it into groupbot's wire-format events with the
enrichment fields filled, posts them signed to `POST /v1/events`, and carries
the actions of the response, and of groupbot's signed callbacks, out through
the hook client's send API. Python 3 standard library only. README.md beside
this file explains how to run it.

What the hook client posts to the bridge (`POST /hook`), one object per event:

  every event   "event": message | join | leave | rename | member_list
                "room": {"id": "...@chatroom", "topic": "群名", "member_count": 87}
                "time": epoch seconds
  message       "msg_id", "sender": {"wxid", "display_name", "is_admin", "is_owner"},
                "msg_type": text|image|video|link|file|card|mini_program|red_packet|system|…,
                "text", and optionally "url" (links), "amount" (red packets),
                "reply_to" (quoted msg_id), "mentions" ([wxid, …])
  join          "members": [{"wxid", "display_name"}, …] (or one "member"),
                "inviter": {"wxid", "display_name"} (whoever invited them or shared the QR code)
  leave         "member": {"wxid", "display_name"}
  rename        "member": {"wxid", "display_name" (the new group nickname)}, "old_display_name"
  member_list   "members": [{"wxid", "display_name", "is_admin", "is_owner"}, …]

`display_name` is the member's group nickname (群昵称) when set, else their
WeChat name. The pure functions `to_events`, `to_calls` and
`fallback_for_failed_dm` hold the whole mapping and are what the tests use.
"""

import argparse
import base64
import collections
import datetime
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request


class BridgeError(ValueError):
    """A hook payload the bridge cannot map; the reason names the field."""


# msg_type -> the wire format's `kind` where the names differ; text, image, video,
# link, file, card and red_packet are the same, and any other type is passed on as it is.
KINDS = {"mini_program": "card", "miniapp": "card"}


def _field(obj, key, where):
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None or value == "":
        raise BridgeError(f"missing field '{where}{key}'")
    return value


def rfc3339(epoch, offset_minutes=480):
    """Epoch seconds as RFC 3339 in a fixed offset (WeChat groups live in +08:00)."""
    zone = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
    return datetime.datetime.fromtimestamp(float(epoch), zone).isoformat()


def _role(person):
    """owner / admin / member, or None when the hook client does not say."""
    if person.get("is_owner"):
        return "owner"
    if person.get("is_admin"):
        return "admin"
    if "is_owner" in person or "is_admin" in person:
        return "member"
    return None


def _base(kind, event_id, payload, offset):
    """The fields every event of this payload shares: id, time and the group's enrichment."""
    room = payload["room"]
    event = {"type": kind, "id": event_id, "ts": rfc3339(payload["time"], offset), "group": str(room["id"])}
    if room.get("topic"):
        event["group_name"] = room["topic"]
    return event


def _person(event, person, where):
    """Adds user, nick and role of a sender or member to an event."""
    event["user"] = str(_field(person, "wxid", where))
    if person.get("display_name"):
        event["nick"] = person["display_name"]
    role = _role(person)
    if role:
        event["role"] = role
    return event


def to_events(payload, bot_wxid=None, offset_minutes=480):
    """One hook payload -> a list of wire-format events (empty when there is nothing to moderate)."""
    if not isinstance(payload, dict):
        raise BridgeError("a hook payload must be a JSON object")
    kind = _field(payload, "event", "")
    room = _field(payload, "room", "")
    room_id, when = _field(room, "id", "room."), _field(payload, "time", "")
    count = room.get("member_count")
    if kind == "message":
        sender = _field(payload, "sender", "")
        msg_type = payload.get("msg_type") or "text"
        if msg_type == "system" or (bot_wxid and sender.get("wxid") == bot_wxid):
            return []  # WeChat's own notes, and the bot's own messages (answering them could loop)
        event = _person(_base("message", str(_field(payload, "msg_id", "")), payload, offset_minutes), sender, "sender.")
        event["kind"] = KINDS.get(msg_type, msg_type)
        # A link's title alone hides where it points; the URL is what ad rules look for.
        event["text"] = " ".join(part for part in (payload.get("text"), payload.get("url")) if part)
        if payload.get("amount") is not None:
            event["amount"] = payload["amount"]
        if payload.get("reply_to"):
            event["reply_to"] = str(payload["reply_to"])
        if payload.get("mentions"):
            event["mentions"] = [str(m) for m in payload["mentions"]]
        return [event]
    if kind == "join":
        members = payload.get("members") or [_field(payload, "member", "")]
        inviter = (payload.get("inviter") or {}).get("wxid")
        events = []
        for member in members:
            wxid = _field(member, "wxid", "members[].")
            event = _person(_base("join", f"join:{room_id}:{wxid}:{when}", payload, offset_minutes), member, "members[].")
            if inviter and str(inviter) != str(wxid):
                event["inviter"] = str(inviter)
            if count is not None:
                event["member_count"] = count
            events.append(event)
        return events
    if kind == "leave":
        member = _field(payload, "member", "")
        wxid = _field(member, "wxid", "member.")
        event = _person(_base("leave", f"leave:{room_id}:{wxid}:{when}", payload, offset_minutes), member, "member.")
        if count is not None:
            event["member_count"] = count
        return [event]
    if kind == "rename":
        member = _field(payload, "member", "")
        wxid = _field(member, "wxid", "member.")
        _field(member, "display_name", "member.")  # a rename without the new name says nothing
        event = _person(_base("rename", f"rename:{room_id}:{wxid}:{when}", payload, offset_minutes), member, "member.")
        if payload.get("old_display_name"):
            event["old_nick"] = payload["old_display_name"]
        return [event]
    if kind == "member_list":
        return [_person(_base("member", f"member:{room_id}:{_field(m, 'wxid', 'members[].')}:{when}", payload,
                              offset_minutes), m, "members[].") for m in _field(payload, "members", "")]
    return []  # an event type this bridge does not map (topic changes, friend requests, …)


def to_calls(action, admins=(), admin_room=None):
    """One groupbot action -> the hook client's send-API calls (each carries the action's id)."""
    kind, room, user = action.get("action"), action.get("group"), action.get("user")
    calls = []
    if kind == "send" and action.get("text"):
        call = {"op": "send_text", "room": room, "text": action["text"]}
        if action.get("mention"):
            call["at"] = [action["mention"]]  # the hook client writes "@<display name> " in front
        if action.get("reply_to"):
            call["quote"] = action["reply_to"]
        calls.append(call)
    elif kind == "dm":
        calls.append({"op": "send_private", "wxid": user, "text": action["text"], "room": room})
    elif kind == "delete":
        calls.append({"op": "revoke", "room": room, "msg_id": action["message"]})
    elif kind == "mute":
        calls.append({"op": "mute", "room": room, "wxid": user, "seconds": action.get("seconds", 1800)})
    elif kind == "unmute":
        calls.append({"op": "unmute", "room": room, "wxid": user})
    elif kind == "kick":
        calls.append({"op": "remove_member", "room": room, "wxid": user})
    elif kind == "approve":
        calls.append({"op": "accept_join", "room": room, "wxid": user})
    elif kind == "reject":
        calls.append({"op": "reject_join", "room": room, "wxid": user, "reason": action.get("text", "")})
    elif kind == "notify":
        calls += [{"op": "send_private", "wxid": admin, "text": action["text"]} for admin in admins]
        if admin_room:
            calls.append({"op": "send_text", "room": admin_room, "text": action["text"]})
    for call in calls:
        call["action_id"] = action["id"]
    return calls


def fallback_for_failed_dm(call, mode="group"):
    """A private message WeChat refused (the member is not the bot's friend) -> the group post
    that replaces it, @-mentioning the member; None when the mode is "none" or it was no DM."""
    if mode != "group" or call.get("op") != "send_private" or not call.get("room"):
        return None
    return {"op": "send_text", "room": call["room"], "text": call["text"], "at": [call["wxid"]],
            "action_id": call["action_id"]}


# --- Standard Webhooks signing (https://www.standardwebhooks.com) -------------

def _key(secret):
    """whsec_<base64> secrets are base64 key bytes; any other secret is used as UTF-8, as groupbot does."""
    return base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()


def sign(secret, msg_id, timestamp, body):
    """`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`."""
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def verify(secret, headers, body, now=None, tolerance=300):
    """Checks a signed request (headers: any mapping with .get); returns the reason it fails, or None."""
    msg_id, stamp, offered = (headers.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (msg_id and stamp and offered):
        return "missing webhook-id, webhook-timestamp or webhook-signature header"
    if not stamp.isdigit() or abs((now or time.time()) - int(stamp)) > tolerance:
        return "webhook-timestamp is missing or too far from now"
    expected = sign(secret, msg_id, stamp, body)
    if not any(hmac.compare_digest(expected.encode(), candidate.encode()) for candidate in offered.split()):
        return "webhook-signature does not match"
    return None


def post_events(base_url, events, secret=None, token=None, timeout=10):
    """Posts events as one JSON array to groupbot's /v1/events -> (HTTP status, parsed body)."""
    body = json.dumps(events, ensure_ascii=False, separators=(",", ":")).encode()
    # The same batch gets the same webhook-id, so groupbot (and any proxy) sees a retry as one message.
    msg_id = "batch_" + hashlib.sha256("\n".join(e["id"] for e in events).encode()).hexdigest()[:32]
    headers = {"Content-Type": "application/json"}
    if secret:
        stamp = str(int(time.time()))
        headers.update({"webhook-id": msg_id, "webhook-timestamp": stamp,
                        "webhook-signature": sign(secret, msg_id, stamp, body)})
    elif token:
        headers["Authorization"] = f"Bearer {token}"
    return _post(base_url.rstrip("/") + "/v1/events", body, headers, timeout)


def _post(url, body, headers, timeout):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


# --- The running bridge ------------------------------------------------------

class Bridge:
    """Carries actions out through the hook client's send API, each action id once."""

    def __init__(self, options):
        self.options = options
        self.done = collections.OrderedDict()  # action ids carried out, the latest 10 000
        self.lock = threading.Lock()

    def call_hook(self, call):
        headers = {"Content-Type": "application/json"}
        if os.environ.get("HOOK_API_TOKEN"):
            headers["Authorization"] = "Bearer " + os.environ["HOOK_API_TOKEN"]
        body = json.dumps(call, ensure_ascii=False).encode()
        try:
            status, answer = _post(self.options.hook_api, body, headers, 10)
        except OSError as error:
            status, answer = 0, str(error)
        ok = 200 <= status < 300 and not (isinstance(answer, dict) and answer.get("ok") is False)
        if not ok:
            print(f"hook call {call['op']} for {call['action_id']} failed: {status} {answer}", file=sys.stderr)
        return ok

    def carry_out(self, actions):
        """Makes the calls of each action not yet done; returns the ids of actions that failed."""
        failed = []
        for action in actions:
            with self.lock:
                if action["id"] in self.done:
                    continue  # a callback repeating an action already carried out
            ok = True
            for call in to_calls(action, self.options.admins, self.options.admin_room):
                if not self.call_hook(call):
                    replacement = fallback_for_failed_dm(call, self.options.dm_fallback)
                    ok = ok and bool(replacement) and self.call_hook(replacement)
            if not ok:
                failed.append(action["id"])
                continue
            with self.lock:
                self.done[action["id"]] = True
                while len(self.done) > 10_000:
                    self.done.popitem(last=False)
        return failed


def make_handler(bridge):
    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self, status, document):
            body = json.dumps(document, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/hook":
                self.hook(body)
            elif self.path == "/groupbot/actions":
                self.callback(body)
            else:
                self.answer(404, {"error": "unknown path"})

        def hook(self, body):
            token = os.environ.get("HOOK_TOKEN")
            if token and not hmac.compare_digest(self.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
                return self.answer(401, {"error": "bad or missing bearer token"})
            try:
                payload = json.loads(body)
                events = [e for p in (payload if isinstance(payload, list) else [payload])
                          for e in to_events(p, bridge.options.bot_wxid)]
            except (ValueError, TypeError) as error:
                return self.answer(400, {"error": str(error)})
            actions = []
            for start in range(0, len(events), 500):  # a long member list stays under serve's body limit
                try:
                    status, result = post_events(bridge.options.groupbot, events[start:start + 500],
                                                 os.environ.get("GROUPBOT_WEBHOOK_SECRET"), os.environ.get("GROUPBOT_TOKEN"))
                except OSError as error:
                    status, result = 0, str(error)
                if status != 200:
                    # 502 tells the hook client to retry; the event ids make a retry harmless.
                    return self.answer(502, {"error": f"groupbot answered {status}", "detail": result})
                actions += result.get("actions", [])
            failed = bridge.carry_out(actions)  # logged; groupbot does not send these again
            self.answer(200, {"events": len(events), "actions": len(actions), "failed": failed})

        def callback(self, body):
            secret = os.environ.get("GROUPBOT_CALLBACK_SECRET")
            if not secret:
                return self.answer(503, {"error": "GROUPBOT_CALLBACK_SECRET is not set"})
            problem = verify(secret, self.headers, body)
            if problem:
                return self.answer(401, {"error": problem})
            try:
                actions = json.loads(body)["actions"]
            except (ValueError, KeyError, TypeError):
                return self.answer(400, {"error": "expected {\"actions\": [...]}"})
            failed = bridge.carry_out(actions)
            if failed:
                # A non-2xx answer puts the callback back in groupbot's delivery ledger: it is
                # retried with backoff, and after the last attempt `groupbot deliveries list` shows it.
                return self.answer(502, {"error": "the hook client refused the calls", "failed": failed})
            self.answer(200, {"ok": True})

        def log_message(self, fmt, *args):
            print("bridge:", fmt % args, file=sys.stderr)

    return Handler


def parse_options(argv=None):
    parser = argparse.ArgumentParser(description="WeChat-style hook client <-> groupbot serve")
    parser.add_argument("--listen", default="127.0.0.1:9100", help="host:port for /hook and /groupbot/actions")
    parser.add_argument("--groupbot", default="http://127.0.0.1:8080", help="groupbot serve's base URL")
    parser.add_argument("--hook-api", required=True, help="the hook client's send API (one URL, JSON calls)")
    parser.add_argument("--bot-wxid", help="the bot account's wxid: its own messages are not moderated")
    parser.add_argument("--admins", default="", help="comma-separated wxids that get notify actions privately")
    parser.add_argument("--admin-room", help="a room id that gets notify actions")
    parser.add_argument("--dm-fallback", choices=["group", "none"], default="group",
                        help="what to do when a private message is refused (default: post it in the group with an @)")
    options = parser.parse_args(argv)
    options.admins = [a for a in options.admins.split(",") if a]
    return options


def main(argv=None):
    options = parse_options(argv)
    host, port = options.listen.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((host, int(port)), make_handler(Bridge(options)))
    print(f"bridge listening on {options.listen}, groupbot at {options.groupbot}", file=sys.stderr)
    server.serve_forever()


if __name__ == "__main__":
    main()
