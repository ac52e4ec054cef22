"""A scripted OneBot v11 implementation for end-to-end tests of `groupbot serve`.

`FakeOneBot` plays the part of go-cqhttp / NapCat / Lagrange towards groupbot:

- an HTTP API server on a free 127.0.0.1 port answering `/<action>` (POST with a JSON
  or urlencoded body, or GET with query parameters) as communication/http.md of
  OneBot v11 says: 401 without the access token and 403 with a wrong one (when one
  is configured), 406 for a POST body of another content type, 400 for a body that
  is not a JSON object, 404 for an unknown action, otherwise 200 with
  `{"status", "retcode", "data"}` (plus go-cqhttp's `msg`/`wording` on failures);
- a world: groups (id, name, members with nickname, card and role; the bot itself is
  an admin of every group), the bot's friends, the messages sent and received;
- a rate limit on sent messages (per account per second, per group per minute, both
  sliding windows); a call over it answers status "failed", retcode 103, "rate
  limited", is not delivered and is counted as a violation;
- HTTP POST reports to groupbot (`POST <report_url>`, `X-Self-ID`, and
  `X-Signature: sha1=<HMAC-SHA1 of the body>` when a secret is set), shaped as the
  real implementations send them: a message carries `sender` {user_id, nickname,
  card, role, …}; a `group_increase` notice carries only ids (no nickname, no group
  name); the quick operation in groupbot's answer is carried out as OneBot would;
- an outage switch: `down("refuse")` closes the listening socket and every open
  connection (connections are refused until `up()`), `down("503")` keeps listening
  and answers every call 503.

Every API call is recorded with its time and outcome (`calls()`); every message the
bot got out, by API call or quick operation, is in `delivered()`.

Only the Python 3 standard library; only 127.0.0.1.
"""

import hashlib
import hmac
import http.client
import http.server
import itertools
import json
import socket
import sys
import threading
import time
import urllib.parse
from collections import deque
from pathlib import Path

_SUPPORT = str(Path(__file__).resolve().parents[1] / "support")
if _SUPPORT not in sys.path:
    sys.path.insert(0, _SUPPORT)

from e2e import read_body, wait_until  # noqa: E402

# ---------------------------------------------------------------------------
# Messages: CQ-code strings and segment arrays (message/string.md, message/array.md)


def cq_unescape(text, parameter=False):
    """Undoes the CQ escapes once, left to right (`&amp;#91;` is the text `&#91;`)."""
    out, i = [], 0
    table = {"&amp;": "&", "&#91;": "[", "&#93;": "]"}
    if parameter:
        table["&#44;"] = ","
    while i < len(text):
        if text[i] == "&":
            for escape, plain in table.items():
                if text.startswith(escape, i):
                    out.append(plain)
                    i += len(escape)
                    break
            else:
                out.append("&")
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def cq_escape(text, parameter=False):
    text = text.replace("&", "&amp;").replace("[", "&#91;").replace("]", "&#93;")
    return text.replace(",", "&#44;") if parameter else text


def parse_cq(message):
    """A CQ-code string as segments [{"type", "data"}]."""
    segments, i = [], 0
    while i < len(message):
        start = message.find("[CQ:", i)
        end = message.find("]", start) if start >= 0 else -1
        if start < 0 or end < 0:
            segments.append({"type": "text", "data": {"text": cq_unescape(message[i:])}})
            break
        if start > i:
            segments.append({"type": "text", "data": {"text": cq_unescape(message[i:start])}})
        body = message[start + 4:end]
        parts = body.split(",")
        data = {}
        for part in parts[1:]:
            key, _, value = part.partition("=")
            data[key] = cq_unescape(value, parameter=True)
        segments.append({"type": parts[0], "data": data})
        i = end + 1
    return segments


def segments_of(message):
    """Segments of a message given as a CQ string, an array of segments or one segment."""
    if isinstance(message, str):
        return parse_cq(message)
    if isinstance(message, dict):
        return [message]
    if isinstance(message, list):
        return [s for s in message if isinstance(s, dict)]
    return []


def message_text(message):
    """The text segments of a message, joined (what a reader sees, without codes)."""
    return "".join(str((s.get("data") or {}).get("text", "")) for s in segments_of(message)
                   if s.get("type") == "text")


def message_mentions(message):
    """The `qq` of every `at` segment, as strings."""
    return [str((s.get("data") or {}).get("qq")) for s in segments_of(message) if s.get("type") == "at"]


def cq_string(segments):
    """Segments as a CQ-code string (raw_message)."""
    out = []
    for s in segments:
        if s["type"] == "text":
            out.append(cq_escape(s["data"]["text"]))
        else:
            params = "".join(",%s=%s" % (k, cq_escape(str(v), parameter=True)) for k, v in (s.get("data") or {}).items())
            out.append("[CQ:%s%s]" % (s["type"], params))
    return "".join(out)


# ---------------------------------------------------------------------------
# The world


class Member:
    """A member of one group (the card and role are per group, as in QQ)."""

    def __init__(self, user_id, nickname, card="", role="member", sex="unknown", age=0, area="", level="1",
                 title="", join_time=None):
        self.user_id = int(user_id)
        self.nickname = nickname
        self.card = card
        self.role = role
        self.sex = sex
        self.age = age
        self.area = area
        self.level = level
        self.title = title
        self.join_time = int(join_time if join_time is not None else time.time() - 86400 * 30)
        self.last_sent_time = self.join_time

    @property
    def display(self):
        return self.card or self.nickname

    def info(self, group_id, full=True):
        """get_group_member_info's data (get_group_member_list leaves out area and title)."""
        data = {"group_id": int(group_id), "user_id": self.user_id, "nickname": self.nickname, "card": self.card,
                "sex": self.sex, "age": self.age, "area": self.area if full else "", "join_time": self.join_time,
                "last_sent_time": self.last_sent_time, "level": self.level, "role": self.role,
                "unfriendly": False, "title": self.title if full else "", "title_expire_time": 0,
                "card_changeable": True}
        return data

    def sender(self):
        """The `sender` object of a group message report."""
        return {"user_id": self.user_id, "nickname": self.nickname, "card": self.card, "sex": self.sex,
                "age": self.age, "area": self.area, "level": self.level, "role": self.role, "title": self.title}


class Group:
    def __init__(self, group_id, group_name, max_member_count=500):
        self.group_id = int(group_id)
        self.group_name = group_name
        self.max_member_count = max_member_count
        self.members = {}          # user_id -> Member, in join order
        self.muted = {}            # user_id -> until (epoch seconds)

    @property
    def member_count(self):
        return len(self.members)

    def info(self):
        return {"group_id": self.group_id, "group_name": self.group_name, "member_count": self.member_count,
                "max_member_count": self.max_member_count}


class Call:
    """One API request as the fake saw it."""

    __slots__ = ("t", "action", "params", "http_status", "status", "retcode", "outcome", "reason", "data")

    def __init__(self, t, action, params, http_status, status=None, retcode=None, outcome="", reason="", data=None):
        self.t, self.action, self.params = t, action, params
        self.http_status, self.status, self.retcode = http_status, status, retcode
        self.outcome, self.reason, self.data = outcome, reason, data

    @property
    def ok(self):
        return self.outcome == "ok"

    @property
    def message(self):
        return self.params.get("message") if isinstance(self.params, dict) else None

    @property
    def text(self):
        return message_text(self.message)

    @property
    def mentions(self):
        return message_mentions(self.message)

    def param(self, key):
        value = self.params.get(key) if isinstance(self.params, dict) else None
        return None if value is None else str(value)

    def __repr__(self):
        body = json.dumps(self.params, ensure_ascii=False)
        if len(body) > 160:
            body = body[:157] + "…"
        return "%s %s -> %s%s" % (self.action, body, self.outcome, (" (%s)" % self.reason) if self.reason else "")


class ReportResult:
    """groupbot's answer to one report."""

    def __init__(self, report, status, body, error=None, elapsed=0.0):
        self.report, self.status, self.body, self.error, self.elapsed = report, status, body, error, elapsed
        self.quick = None
        if status == 200 and body:
            try:
                parsed = json.loads(body.decode("utf-8"))
                self.quick = parsed if isinstance(parsed, dict) else None
            except (UnicodeDecodeError, ValueError):
                self.quick = None

    def __repr__(self):
        return "report %s -> %s %s" % (self.report.get("post_type"), self.status,
                                       (self.body or b"")[:200].decode("utf-8", "replace") or self.error or "")


MESSAGE_ACTIONS = ("send_private_msg", "send_group_msg", "send_msg")


class APIFailure(Exception):
    def __init__(self, retcode, msg, wording=None):
        super().__init__(msg)
        self.retcode, self.msg, self.wording = retcode, msg, wording or msg


class BadParameter(APIFailure):
    def __init__(self, wording):
        super().__init__(100, "BAD_PARAM", wording)


# ---------------------------------------------------------------------------


class FakeOneBot:
    """A OneBot v11 implementation with a scripted world (see the module's docstring)."""

    def __init__(self, self_id=10001, nickname="鲜海服务号", access_token=None, secret=None, report_url=None,
                 account_per_second=20, account_per_minute=None, group_per_minute=40, rate_limit_quick=False,
                 bot_must_be_admin_for_temp=True, report_own_actions=False, log=None):
        self.self_id = int(self_id)
        self.nickname = nickname
        self.access_token = access_token
        self.secret = secret
        self.report_url = report_url
        self.account_per_second = account_per_second
        self.account_per_minute = account_per_minute
        self.group_per_minute = group_per_minute
        self.rate_limit_quick = rate_limit_quick
        self.bot_must_be_admin_for_temp = bot_must_be_admin_for_temp
        self.report_own_actions = report_own_actions
        self.log = log or (lambda line: None)

        self.lock = threading.RLock()
        self.groups = {}
        self.friends = {}               # user_id -> nickname
        self.users = {}                 # user_id -> nickname (everyone the world knows)
        self.messages = {}              # message_id -> {"group_id", "user_id", "deleted", ...}
        self.join_requests = {}         # flag -> {"group_id", "user_id", "sub_type"}
        self._calls = []
        self._delivered = []
        self._reports = []
        self._account_sent = deque()    # times of accepted sends (account window)
        self._account_sent_minute = deque()
        self._group_sent = {}           # group_id -> deque of times
        self.violations = 0
        self._message_ids = itertools.count(100001)
        self._state = "up"              # up | refuse | 503
        self._connections = set()
        self._server = None
        self._thread = None
        self.port = None

    # -- world -------------------------------------------------------------

    def add_friend(self, user_id, nickname=None):
        with self.lock:
            self.friends[int(user_id)] = nickname or self.users.get(int(user_id), str(user_id))

    def add_group(self, group_id, group_name, members=(), fill_to=None, max_member_count=500):
        """A group with the bot as admin, `members` (Member objects) and, when `fill_to`
        is given, ordinary members generated until the group has that many."""
        with self.lock:
            group = Group(group_id, group_name, max_member_count=max(max_member_count, (fill_to or 0) + 10))
            group.members[self.self_id] = Member(self.self_id, self.nickname, card="", role="admin")
            for member in members:
                self._add(group, member)
            if fill_to:
                n = 0
                while group.member_count < fill_to:
                    n += 1
                    uid = 3_000_000_000 + group.group_id % 1_000_000 * 1000 + n
                    self._add(group, Member(uid, "群友%d" % n, card=""))
            self.groups[group.group_id] = group
            return group

    def _add(self, group, member):
        group.members[member.user_id] = member
        self.users[member.user_id] = member.nickname

    def add_member(self, group_id, member):
        """A member joins silently (no notice: e.g. while nobody was listening)."""
        with self.lock:
            self._add(self.groups[int(group_id)], member)

    def group(self, group_id):
        return self.groups[int(group_id)]

    def member(self, group_id, user_id):
        return self.groups[int(group_id)].members.get(int(user_id))

    # -- the HTTP API server --------------------------------------------------

    def start(self, port=0):
        self._listen(port)
        return self

    @property
    def api_url(self):
        return "http://127.0.0.1:%d" % self.port

    def _listen(self, port):
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 60
            server_version = "FakeOneBot/11"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with fake.lock:
                    fake._connections.add(self.connection)

            def finish(self):
                try:
                    super().finish()
                finally:
                    with fake.lock:
                        fake._connections.discard(self.connection)

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request, client_address):
                pass  # connections cut by an outage: expected

        self._server = Server(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def _close_listener(self):
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        with self.lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def down(self, mode="refuse"):
        """Stops answering: `refuse` closes the listening socket and the open connections,
        `503` answers every request 503 Service Unavailable."""
        assert mode in ("refuse", "503")
        with self.lock:
            previous, self._state = self._state, mode
        self.log("fake onebot :%d down (%s)" % (self.port, mode))
        if mode == "refuse" and previous != "refuse":
            self._close_listener()

    def up(self):
        with self.lock:
            previous, self._state = self._state, "up"
        if previous == "refuse":
            for attempt in range(50):
                try:
                    self._listen(self.port)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError("fake onebot: port %d could not be bound again" % self.port)
        self.log("fake onebot :%d up" % self.port)

    @property
    def state(self):
        """up, refuse or 503."""
        return self._state

    def stop(self):
        with self.lock:
            self._state = "refuse"
        self._close_listener()

    # -- request handling -------------------------------------------------------

    @staticmethod
    def _answer(handler, status, payload=None, headers=()):
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        handler.send_response(status)
        if payload is not None:
            handler.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _record(self, call):
        with self.lock:
            self._calls.append(call)
        return call

    def _handle(self, handler, method):
        now = time.time()
        split = urllib.parse.urlsplit(handler.path)
        action = split.path.strip("/")
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        try:
            raw = read_body(handler) if method == "POST" else b""
        except (OSError, ValueError):
            handler.close_connection = True
            return
        state = self._state
        if state == "refuse":
            handler.close_connection = True  # a crashed process sends nothing
            return
        if state == "503":
            self._record(Call(now, action, {}, 503, outcome="unavailable"))
            self._answer(handler, 503, None, headers=(("Connection", "close"),))
            handler.close_connection = True
            return

        # Access token (communication/authorization.md): the header, or ?access_token=.
        if self.access_token is not None:
            given = None
            auth = handler.headers.get("Authorization")
            if auth is not None:
                scheme, _, value = auth.partition(" ")
                given = value.strip() if scheme.lower() in ("bearer", "token") else ""
            elif "access_token" in query:
                given = query["access_token"]
            if given is None:
                self._record(Call(now, action, {}, 401, outcome="unauthorized", reason="no access token"))
                return self._answer(handler, 401)
            if not hmac.compare_digest(given.encode(), self.access_token.encode()):
                self._record(Call(now, action, {}, 403, outcome="forbidden", reason="wrong access token"))
                return self._answer(handler, 403)
        query.pop("access_token", None)

        # Parameters: query, urlencoded form or JSON object (communication/http.md).
        params = dict(query)
        if method == "POST" and raw.strip():
            ctype = handler.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype == "application/json":
                try:
                    body = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError) as error:
                    self._record(Call(now, action, {"_raw": raw[:200].decode("utf-8", "replace")}, 400,
                                      outcome="bad_request", reason="invalid JSON: %s" % error))
                    return self._answer(handler, 400)
                if not isinstance(body, dict):
                    self._record(Call(now, action, {"_raw": raw[:200].decode("utf-8", "replace")}, 400,
                                      outcome="bad_request", reason="the body is not a JSON object"))
                    return self._answer(handler, 400)
                params.update(body)
            elif ctype == "application/x-www-form-urlencoded":
                params.update(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
            else:
                self._record(Call(now, action, {}, 406, outcome="bad_request", reason="content type %r" % ctype))
                return self._answer(handler, 406)

        function = getattr(self, "api_" + action, None) if action.replace("_", "").isalnum() else None
        if function is None:
            self._record(Call(now, action, params, 404, outcome="not_found"))
            return self._answer(handler, 404)
        try:
            with self.lock:
                data, outcome = function(params, now)
            call = Call(now, action, params, 200, "ok", 0, outcome or "ok", data=data)
            payload = {"status": "ok", "retcode": 0, "data": data, "msg": "", "wording": ""}
        except APIFailure as failure:
            outcome = {103: "failed"}.get(failure.retcode, "failed")
            if failure.msg == "rate limited":
                outcome = "violation"
            elif failure.msg == "SEND_MSG_API_ERROR":
                outcome = "refused"
            call = Call(now, action, params, 200, "failed", failure.retcode, outcome, failure.wording)
            payload = {"status": "failed", "retcode": failure.retcode, "data": None, "msg": failure.msg,
                       "wording": failure.wording, "message": failure.wording}
        self._record(call)
        if call.outcome != "ok":
            self.log("fake onebot: %r" % call)
        self._answer(handler, 200, payload)

    # -- parameters -----------------------------------------------------------

    @staticmethod
    def _int(params, key, default=None, required=True):
        value = params.get(key)
        if value is None or value == "":
            if required and default is None:
                raise BadParameter("missing parameter '%s'" % key)
            return default
        if isinstance(value, bool):
            raise BadParameter("parameter '%s' should be a number" % key)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise BadParameter("parameter '%s' should be a number, got %r" % (key, value))

    @staticmethod
    def _bool(params, key, default=False):
        value = params.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        if isinstance(value, (int, float)):
            return bool(value)
        raise BadParameter("parameter '%s' should be a boolean" % key)

    def _group_param(self, params):
        group_id = self._int(params, "group_id")
        group = self.groups.get(group_id)
        if group is None:
            raise APIFailure(100, "GROUP_NOT_FOUND", "群聊不存在")
        return group

    @staticmethod
    def _message_param(params):
        message = params.get("message")
        if message is None or message == "" or message == []:
            raise BadParameter("missing parameter 'message'")
        if not isinstance(message, (str, list, dict)):
            raise BadParameter("parameter 'message' should be a string or an array of segments")
        if isinstance(message, str) and FakeOneBot._bool(params, "auto_escape"):
            return [{"type": "text", "data": {"text": message}}]
        segments = segments_of(message)
        for s in segments:
            if not isinstance(s.get("type"), str):
                raise BadParameter("a message segment has no type")
        return message

    # -- rate limit -----------------------------------------------------------

    def _check_rate(self, now, group_id=None):
        def prune(times, window):
            while times and times[0] <= now - window:
                times.popleft()

        prune(self._account_sent, 1.0)
        prune(self._account_sent_minute, 60.0)
        over = None
        if self.account_per_second is not None and len(self._account_sent) >= self.account_per_second:
            over = "account: %d messages within a second" % len(self._account_sent)
        elif self.account_per_minute is not None and len(self._account_sent_minute) >= self.account_per_minute:
            over = "account: %d messages within a minute" % len(self._account_sent_minute)
        elif group_id is not None and self.group_per_minute is not None:
            times = self._group_sent.setdefault(group_id, deque())
            prune(times, 60.0)
            if len(times) >= self.group_per_minute:
                over = "group %d: %d messages within a minute" % (group_id, len(times))
        if over is not None:
            self.violations += 1
            self.log("fake onebot: rate limit: %s" % over)
            raise APIFailure(103, "rate limited", "rate limited")

    def _count_sent(self, now, group_id=None):
        self._account_sent.append(now)
        self._account_sent_minute.append(now)
        if group_id is not None:
            self._group_sent.setdefault(group_id, deque()).append(now)

    def _deliver(self, now, via, kind, message, group_id=None, user_id=None, temp_chat=False, reply_to=None):
        message_id = next(self._message_ids)
        entry = {"t": now, "via": via, "kind": kind, "group_id": group_id, "user_id": user_id, "message": message,
                 "text": message_text(message), "mentions": message_mentions(message), "message_id": message_id,
                 "temp_chat": temp_chat, "reply_to": reply_to}
        self._delivered.append(entry)
        self.messages[message_id] = {"group_id": group_id, "user_id": self.self_id, "deleted": False}
        return message_id

    # -- the API (api/public.md) ----------------------------------------------

    def api_get_login_info(self, params, now):
        return {"user_id": self.self_id, "nickname": self.nickname}, None

    def api_get_status(self, params, now):
        return {"online": True, "good": True}, None

    def api_get_version_info(self, params, now):
        return {"app_name": "fake-onebot", "app_version": "1.0.0", "protocol_version": "v11"}, None

    def api_can_send_image(self, params, now):
        return {"yes": True}, None

    def api_can_send_record(self, params, now):
        return {"yes": False}, None

    def api_get_friend_list(self, params, now):
        return [{"user_id": uid, "nickname": nick, "remark": ""} for uid, nick in self.friends.items()], None

    def api_get_stranger_info(self, params, now):
        user_id = self._int(params, "user_id")
        return {"user_id": user_id, "nickname": self.users.get(user_id, ""), "sex": "unknown", "age": 0}, None

    def api_get_group_list(self, params, now):
        return [g.info() for g in self.groups.values()], None

    def api_get_group_info(self, params, now):
        self._bool(params, "no_cache")
        return self._group_param(params).info(), None

    def api_get_group_member_info(self, params, now):
        group = self._group_param(params)
        user_id = self._int(params, "user_id")
        self._bool(params, "no_cache")
        member = group.members.get(user_id)
        if member is None:
            raise APIFailure(100, "MEMBER_NOT_FOUND", "群员不存在")
        return member.info(group.group_id), None

    def api_get_group_member_list(self, params, now):
        group = self._group_param(params)
        return [m.info(group.group_id, full=False) for m in group.members.values()], None

    def api_send_group_msg(self, params, now):
        group = self._group_param(params)
        message = self._message_param(params)
        self._check_rate(now, group.group_id)
        self._count_sent(now, group.group_id)
        return {"message_id": self._deliver(now, "api", "group", message, group_id=group.group_id)}, None

    def api_send_private_msg(self, params, now):
        user_id = self._int(params, "user_id")
        group_id = self._int(params, "group_id", required=False)
        message = self._message_param(params)
        self._check_rate(now)
        self._count_sent(now)  # an attempt the platform refuses still counts against the account
        temp = False
        if user_id not in self.friends:
            group = self.groups.get(group_id) if group_id is not None else None
            bot = group.members.get(self.self_id) if group is not None else None
            allowed = (group is not None and user_id in group.members
                       and (not self.bot_must_be_admin_for_temp or (bot is not None and bot.role in ("owner", "admin"))))
            if not allowed:
                why = ("对方不是你的好友" if group_id is None
                       else "无法通过群 %s 发起临时会话: 对方不在群内" % group_id)
                raise APIFailure(103, "SEND_MSG_API_ERROR", "消息发送失败: %s" % why)
            temp = True
        message_id = self._deliver(now, "api", "private", message, group_id=group_id, user_id=user_id,
                                   temp_chat=temp)
        return {"message_id": message_id}, None

    def api_send_msg(self, params, now):
        kind = params.get("message_type")
        if kind == "group" or (kind is None and params.get("group_id") is not None and params.get("user_id") is None):
            return self.api_send_group_msg(params, now)
        if kind in ("private", None):
            return self.api_send_private_msg(params, now)
        raise BadParameter("message_type should be private or group")

    def api_delete_msg(self, params, now):
        message_id = self._int(params, "message_id")
        entry = self.messages.get(message_id)
        if entry is None or entry["deleted"]:
            raise APIFailure(100, "MESSAGE_NOT_FOUND", "消息不存在")
        entry["deleted"] = True
        return None, None

    def api_set_group_ban(self, params, now):
        group = self._group_param(params)
        user_id = self._int(params, "user_id")
        duration = self._int(params, "duration", default=1800, required=False)
        if user_id not in group.members:
            raise APIFailure(100, "MEMBER_NOT_FOUND", "群员不存在")
        if duration:
            group.muted[user_id] = now + duration
        else:
            group.muted.pop(user_id, None)
        return None, None

    def api_set_group_anonymous_ban(self, params, now):
        self._group_param(params)
        if not (params.get("anonymous") or params.get("anonymous_flag") or params.get("flag")):
            raise BadParameter("missing parameter 'anonymous_flag'")
        return None, None

    def api_set_group_kick(self, params, now):
        group = self._group_param(params)
        user_id = self._int(params, "user_id")
        self._bool(params, "reject_add_request")
        if user_id not in group.members:
            raise APIFailure(100, "MEMBER_NOT_FOUND", "群员不存在")
        del group.members[user_id]
        if self.report_own_actions:
            self._later(self.report_leave, group.group_id, user_id, "kick", self.self_id)
        return None, None

    def api_set_group_add_request(self, params, now):
        flag = params.get("flag")
        sub_type = params.get("sub_type") or params.get("type")
        if not isinstance(flag, str) or not flag:
            raise BadParameter("missing parameter 'flag'")
        if sub_type not in ("add", "invite"):
            raise BadParameter("sub_type should be add or invite")
        approve = self._bool(params, "approve", default=True)
        request = self.join_requests.pop(flag, None)
        if request is None or request["sub_type"] != sub_type:
            raise APIFailure(100, "REQUEST_NOT_FOUND", "请求不存在或已处理")
        if approve and request["member"] is not None:
            self._add(self.groups[request["group_id"]], request["member"])
            if self.report_own_actions:
                self._later(self.report_join_notice, request["group_id"], request["member"].user_id, "approve",
                            self.self_id)
        return None, None

    def _later(self, function, *args):
        threading.Thread(target=lambda: (time.sleep(0.2), function(*args)), daemon=True).start()

    # -- reports (event/*.md) ---------------------------------------------------

    def post_report(self, report, timeout=15.0):
        """POSTs one report to groupbot and carries out the quick operation of the answer."""
        body = json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        url = urllib.parse.urlsplit(self.report_url)
        headers = {"Content-Type": "application/json", "X-Self-ID": str(self.self_id),
                   "User-Agent": "FakeOneBot/11"}
        if self.secret:
            headers["X-Signature"] = "sha1=" + hmac.new(self.secret.encode(), body, hashlib.sha1).hexdigest()
        started = time.time()
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        try:
            conn.request("POST", url.path or "/", body=body, headers=headers)
            response = conn.getresponse()
            result = ReportResult(report, response.status, response.read(), elapsed=time.time() - started)
        except (OSError, http.client.HTTPException) as error:
            result = ReportResult(report, None, b"", error="%s: %s" % (type(error).__name__, error),
                                  elapsed=time.time() - started)
        finally:
            conn.close()
        with self.lock:
            self._reports.append(result)
            if result.quick:
                self._quick_operation(report, result.quick)
        return result

    def _quick_operation(self, report, quick):
        """What OneBot does with the answer to a report (http-post.md, event/*.md)."""
        now = time.time()
        group_id = report.get("group_id")
        user_id = report.get("user_id")
        if "reply" in quick and quick["reply"] not in (None, "", []):
            reply = quick["reply"]
            if report.get("post_type") == "message" and quick.get("at_sender", True) and not report.get("anonymous"):
                reply = [{"type": "at", "data": {"qq": str(user_id)}}, {"type": "text", "data": {"text": " "}}] \
                    + segments_of(reply)
            if self.rate_limit_quick:  # off by default: groupbot does not pace quick operations
                try:
                    self._check_rate(now, group_id)
                except APIFailure:
                    return
                self._count_sent(now, group_id)
            self._deliver(now, "quick", "group" if group_id is not None else "private", reply,
                          group_id=group_id, user_id=None if group_id is not None else user_id,
                          reply_to=report.get("message_id"))
        group = self.groups.get(group_id) if group_id is not None else None
        if quick.get("delete") and report.get("message_id") in self.messages:
            self.messages[report["message_id"]]["deleted"] = True
        if group is not None and quick.get("ban"):
            group.muted[user_id] = now + int(quick.get("ban_duration") or 1800)
        if group is not None and quick.get("kick"):
            group.members.pop(user_id, None)
        if report.get("post_type") == "request" and "approve" in quick:
            request = self.join_requests.pop(report.get("flag"), None)
            if request and quick["approve"] and request["member"] is not None:
                self._add(self.groups[request["group_id"]], request["member"])

    def _report_base(self, post_type, t=None):
        return {"time": int(t if t is not None else time.time()), "self_id": self.self_id, "post_type": post_type}

    def report_message(self, group_id, user_id, text=None, segments=None, as_array=False, t=None):
        """A member posts in a group: a `message` report with the member's `sender`."""
        with self.lock:
            group = self.groups[int(group_id)]
            member = group.members[int(user_id)]
            member.last_sent_time = int(time.time())
            message_id = next(self._message_ids)
            self.messages[message_id] = {"group_id": group.group_id, "user_id": member.user_id, "deleted": False}
            segs = segments if segments is not None else [{"type": "text", "data": {"text": text}}]
            raw = cq_string(segs)
            report = self._report_base("message", t)
            report.update({"message_type": "group", "sub_type": "normal", "message_id": message_id,
                           "group_id": group.group_id, "user_id": member.user_id, "anonymous": None,
                           "message": segs if as_array else raw, "raw_message": raw, "font": 0,
                           "sender": member.sender()})
        return self.post_report(report)

    def report_join(self, group_id, member, operator_id=None, t=None):
        """`member` joins (added to the world first, as the platform has them by the time it
        reports), then a `group_increase` notice with ids only."""
        with self.lock:
            group = self.groups[int(group_id)]
            self._add(group, member)
        return self.report_join_notice(group_id, member.user_id, "invite" if operator_id else "approve",
                                       operator_id, t)

    def report_join_notice(self, group_id, user_id, sub_type, operator_id, t=None):
        report = self._report_base("notice", t)
        report.update({"notice_type": "group_increase", "sub_type": sub_type, "group_id": int(group_id),
                       "operator_id": int(operator_id or 0), "user_id": int(user_id)})
        return self.post_report(report)

    def report_leave(self, group_id, user_id, sub_type="leave", operator_id=None, t=None):
        with self.lock:
            self.groups[int(group_id)].members.pop(int(user_id), None)
        report = self._report_base("notice", t)
        report.update({"notice_type": "group_decrease", "sub_type": sub_type, "group_id": int(group_id),
                       "operator_id": int(operator_id if operator_id is not None else user_id),
                       "user_id": int(user_id)})
        return self.post_report(report)

    def report_rename(self, group_id, user_id, card_new, t=None):
        with self.lock:
            member = self.groups[int(group_id)].members[int(user_id)]
            card_old, member.card = member.card, card_new
        report = self._report_base("notice", t)
        report.update({"notice_type": "group_card", "group_id": int(group_id), "user_id": int(user_id),
                       "card_new": card_new, "card_old": card_old})
        return self.post_report(report)

    def report_join_request(self, group_id, member, comment="", sub_type="add", t=None):
        flag = "flag-%d-%d-%d" % (int(group_id), member.user_id, int(time.time() * 1000))
        with self.lock:
            self.join_requests[flag] = {"group_id": int(group_id), "user_id": member.user_id, "sub_type": sub_type,
                                        "member": member}
            self.users[member.user_id] = member.nickname
        report = self._report_base("request", t)
        report.update({"request_type": "group", "sub_type": sub_type, "group_id": int(group_id),
                       "user_id": member.user_id, "comment": comment, "flag": flag})
        return self.post_report(report)

    def report_heartbeat(self):
        report = self._report_base("meta_event")
        report.update({"meta_event_type": "heartbeat", "status": {"online": True, "good": True}, "interval": 5000})
        return self.post_report(report)

    # -- what happened ------------------------------------------------------------

    def calls(self, action=None, since=0.0):
        with self.lock:
            return [c for c in self._calls if (action is None or c.action == action) and c.t >= since]

    def delivered(self, since=0.0):
        with self.lock:
            return [dict(d) for d in self._delivered if d["t"] >= since]

    def reports(self):
        with self.lock:
            return list(self._reports)

    def message_calls(self, since=0.0):
        """Every message call that reached the API (whatever its outcome, outages aside)."""
        return [c for c in self.calls(since=since) if c.action in MESSAGE_ACTIONS and c.http_status == 200]

    def wait_for(self, predicate, timeout, interval=0.1):
        """Waits until `predicate()` returns something true; returns it (or the last false value)."""
        return wait_until(predicate, timeout, interval)


# ---------------------------------------------------------------------------
# Self-test: `python3 Tests/live/fake_onebot.py` checks the fake against the OneBot
# documents (status codes, envelope, temporary chats, rate limit, outages, reports).


def _self_test():
    import http.server as hs

    def call(port, action, body=None, token="tok", ctype="application/json", method="POST", query=""):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            headers = {}
            if token is not None:
                headers["Authorization"] = "Bearer " + token
            data = None
            if body is not None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                headers["Content-Type"] = ctype
            conn.request(method, "/" + action + query, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            return response.status, (json.loads(raw) if raw and response.status == 200 else None)
        finally:
            conn.close()

    fake = FakeOneBot(access_token="tok", secret="sek", account_per_second=3, group_per_minute=2).start()
    fake.add_friend(9001)
    fake.add_group(7001, "鱼油粉丝福利1群", [Member(2001, "小芳", "西安-王芳-鱼油"), Member(2002, "老张")], fill_to=10)
    fake.add_group(7002, "鱼油粉丝福利2群", [Member(2003, "小李")])
    port = fake.port
    assert call(port, "get_login_info", {}, token=None)[0] == 401
    assert call(port, "get_login_info", {}, token="bad")[0] == 403
    assert call(port, "get_login_info", method="GET", token=None, query="?access_token=tok")[0] == 200
    assert call(port, "no_such_action", {})[0] == 404
    assert call(port, "get_login_info", b"{", ctype="application/json")[0] == 400
    assert call(port, "get_login_info", b"[1]", ctype="application/json")[0] == 400
    assert call(port, "get_login_info", b"x", ctype="text/plain")[0] == 406
    status, body = call(port, "get_login_info/", {})
    assert status == 200 and body["status"] == "ok" and body["retcode"] == 0 and body["data"]["user_id"] == 10001
    status, body = call(port, "get_group_info", {"group_id": "7001", "no_cache": True})
    assert body["data"] == {"group_id": 7001, "group_name": "鱼油粉丝福利1群", "member_count": 10,
                            "max_member_count": 500}, body
    status, body = call(port, "get_group_info", b"group_id=7002", ctype="application/x-www-form-urlencoded")
    assert body["data"]["member_count"] == 2, body
    status, body = call(port, "get_group_member_info", {"group_id": 7001, "user_id": 2001})
    assert body["data"]["card"] == "西安-王芳-鱼油" and body["data"]["role"] == "member", body
    status, body = call(port, "get_group_member_info", {"group_id": 7001, "user_id": 4242})
    assert body["status"] == "failed" and body["retcode"] == 100, body
    status, body = call(port, "get_group_member_list", {"group_id": 7001})
    assert len(body["data"]) == 10 and body["data"][0]["role"] == "admin", body
    status, body = call(port, "send_group_msg", {"group_id": 7001})
    assert body["status"] == "failed" and body["retcode"] == 100, body
    # Temporary chats and refusals (these count against the account: 3 a second).
    status, body = call(port, "send_private_msg", {"user_id": 2002, "message": "hi"})
    assert body["status"] == "failed" and body["retcode"] == 103 and body["wording"], body
    status, body = call(port, "send_private_msg", {"user_id": 2002, "group_id": 7001, "message": "hi"})
    assert body["status"] == "ok" and body["data"]["message_id"], body
    status, body = call(port, "send_private_msg", {"user_id": 2002, "group_id": 7002, "message": "hi"})
    assert body["retcode"] == 103, body
    status, body = call(port, "send_private_msg", {"user_id": 9001, "message": "hi"})
    assert body["retcode"] == 103 and body["msg"] == "rate limited" and fake.violations == 1, body
    time.sleep(1.05)
    status, body = call(port, "send_private_msg", {"user_id": 9001, "message": "[CQ:at,qq=2001] a&#91;b&#93;"})
    assert body["status"] == "ok", body
    # The group limit: 2 a minute.
    assert call(port, "send_group_msg", {"group_id": 7001, "message": [{"type": "text", "data": {"text": "1"}}]})[1]["status"] == "ok"
    assert call(port, "send_group_msg", {"group_id": 7001, "message": "2"})[1]["status"] == "ok"
    time.sleep(1.05)
    assert call(port, "send_group_msg", {"group_id": 7001, "message": "3"})[1]["msg"] == "rate limited"
    assert call(port, "send_group_msg", {"group_id": 7002, "message": "other group"})[1]["status"] == "ok"
    assert fake.violations == 2
    delivered = fake.delivered()
    assert [d["text"] for d in delivered if d["kind"] == "group"] == ["1", "2", "other group"], delivered
    assert any(d["text"] == " a[b]" and d["mentions"] == ["2001"] for d in delivered), delivered
    # Outages.
    fake.down("503")
    assert call(port, "get_login_info", {})[0] == 503
    fake.down("refuse")
    try:
        call(port, "get_login_info", {})
        raise AssertionError("a call went through while the fake refused connections")
    except OSError:
        pass
    fake.up()
    assert call(port, "get_login_info", {})[0] == 200 and fake.port == port

    # Reports: signed, and the quick operation carried out.
    got = []

    class Bot(hs.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            signature = hmac.new(b"sek", body, hashlib.sha1).hexdigest()
            got.append((json.loads(body), self.headers.get("X-Signature") == "sha1=" + signature,
                        self.headers.get("X-Self-ID")))
            report = got[-1][0]
            answer = b""
            if report.get("post_type") == "message":
                answer = json.dumps({"reply": "收到", "at_sender": False, "delete": True}).encode()
            self.send_response(200 if answer else 204)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    bot = hs.ThreadingHTTPServer(("127.0.0.1", 0), Bot)
    threading.Thread(target=bot.serve_forever, daemon=True).start()
    fake.report_url = "http://127.0.0.1:%d/onebot/v11" % bot.server_address[1]
    result = fake.report_message(7001, 2001, "请问鱼油[多少钱]")
    report, signed, self_id = got[-1]
    assert signed and self_id == "10001" and report["sender"]["card"] == "西安-王芳-鱼油", got
    assert report["message"] == "请问鱼油&#91;多少钱&#93;" and report["raw_message"] == report["message"], report
    assert result.quick == {"reply": "收到", "at_sender": False, "delete": True}, result
    assert fake.messages[report["message_id"]]["deleted"]
    assert fake.delivered()[-1]["via"] == "quick" and fake.delivered()[-1]["text"] == "收到"
    fake.report_join(7002, Member(2010, "新人"), operator_id=2003)
    report = got[-1][0]
    assert set(report) == {"time", "self_id", "post_type", "notice_type", "sub_type", "group_id", "operator_id",
                           "user_id"} and report["sub_type"] == "invite", report
    assert fake.group(7002).member_count == 3
    bot.shutdown()
    bot.server_close()
    fake.stop()
    print("fake onebot: self-test ok")


if __name__ == "__main__":
    _self_test()
