#!/usr/bin/env python3
"""A fake Telegram Bot API server for groupbot's tests (Python 3 standard library only).

Library use:

    from fake_bot_api import FakeBotAPI
    fake = FakeBotAPI(token="7012345678:AA…", platform="Tests/GroupbotTelegramTests/Fixtures/platform.json",
                      started_users={5120004302}).start()
    fake.url                      # http://127.0.0.1:<port>: the serve configuration's telegram.api_url
    fake.queue_update(update)     # served by getUpdates (long polling)
    fake.note_update(update)      # only remembered: its message can then be replied to, deleted, …
    fake.calls                    # every call: time, method, params, status, answer, rejected_as
    fake.stop()

Standalone, for trying `groupbot serve` by hand:

    python3 Tests/telegram/fake_bot_api.py --port 8081 \\
        --platform Tests/GroupbotTelegramTests/Fixtures/platform.json \\
        --updates Tests/GroupbotTelegramTests/Fixtures/session.jsonl
    # serve's config: telegram: {api_url: http://127.0.0.1:8081, mode: polling}; TELEGRAM_BOT_TOKEN as printed
    curl -s localhost:8081/_fake/calls           # the calls so far
    curl -s -d @update.json localhost:8081/_fake/updates   # queue an Update (or an array of them)

What it does, as the Bot API does (https://core.telegram.org/bots/api):

- `POST /bot<token>/<method>` (GET too) with a JSON body, a form or a query string; the method
  name is case-insensitive. Every answer is `{"ok":true,"result":…}` or
  `{"ok":false,"error_code":N,"description":"…"}` (429 adds `parameters.retry_after`).
- A wrong token: 401 `Unauthorized`. An unknown method or a path outside /bot<token>/:
  404 `Not Found`.
- The methods groupbot uses, with every parameter the documentation lists for them
  (Bot API 10.x): getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, getChat,
  getChatAdministrators, getChatMemberCount, getChatMember, sendMessage, deleteMessage,
  restrictChatMember, banChatMember, unbanChatMember, approveChatJoinRequest,
  declineChatJoinRequest.
- Stricter than the real server on purpose: an unknown parameter, or an unknown field in
  `permissions`, `reply_parameters`, `link_preview_options` or an entity, is a 400
  (`Bad Request: unknown parameter "x"`): the real server ignores it silently, which is
  how a misspelt parameter goes unnoticed. A missing required parameter is a 400 too.
  Each such call is marked in `calls` with `rejected_as` (`unknown_method`,
  `unknown_parameter`, `missing_parameter`, `bad_type`, `rate_limit`, `unauthorized`).
- sendMessage to a user (a positive chat_id) who never started the bot:
  403 `Forbidden: bot can't initiate conversation with a user` (users in `started_users`
  receive it; `blocked_users` get `Forbidden: bot was blocked by the user`). To an unknown
  chat: 400 `Bad Request: chat not found`. Entities must lie inside the text in UTF-16
  code units; a reply must name a message the chat has.
- deleteMessage needs a message the fake has seen (from an update, or one the bot sent):
  otherwise `Bad Request: message to delete not found`.
- restrictChatMember only in supergroups, never on the owner, an admin or the bot itself;
  `permissions` holds ChatPermissions fields with booleans.
- approveChatJoinRequest / declineChatJoinRequest need a pending request (a
  chat_join_request update the fake has seen); otherwise `Bad Request: HIDE_REQUESTER_MISSING`.
- Rate limits (sliding windows over successful calls): `per_chat_per_minute` messages into
  one group, `per_chat_per_second` messages into any one chat (off unless set) and
  `global_per_second` outgoing calls (messages and moderation calls). Past a limit: 429
  `Too Many Requests: retry after N` with `parameters.retry_after` N.
- getUpdates: a queue with offsets as the Bot API keeps it: an update is confirmed (gone)
  once getUpdates is called with an offset above its update_id; a negative offset keeps
  the last -offset updates; `limit` 1–100; `timeout` long-polls up to 50 s. Without
  `allowed_updates` ever given, chat_member updates are not delivered (the Bot API's
  default); a given list is kept for later calls. While a webhook is set: 409
  `Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to
  delete the webhook first`; a second getUpdates while one waits ends the first with 409
  `Conflict: terminated by other getUpdates request; make sure that only one bot instance
  is running`. `deliveries` counts how often each update_id was handed out.
- setWebhook wants an HTTPS URL (`allow_http_webhook=True` lifts that for tests) and a
  secret_token of 1–256 characters A-Z, a-z, 0-9, _ and -.
- `post_update(url, update, secret)` posts an update to a webhook the way Telegram does
  (JSON body, `X-Telegram-Bot-Api-Secret-Token`), and notes it.
"""

import argparse
import http.client
import json
import math
import re
import select
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# -- the parameter sets (core.telegram.org/bots/api, Bot API 10.x) ------------------------------

INT, STR, BOOL, ARRAY, OBJECT, CHAT_ID, FILE = "Integer", "String", "Boolean", "Array", "Object", "Integer or String", "InputFile"

METHODS = {
    "getMe": {},
    "getUpdates": {"offset": (INT, False), "limit": (INT, False), "timeout": (INT, False), "allowed_updates": (ARRAY, False)},
    "setWebhook": {"url": (STR, True), "certificate": (FILE, False), "ip_address": (STR, False), "max_connections": (INT, False),
                   "allowed_updates": (ARRAY, False), "drop_pending_updates": (BOOL, False), "secret_token": (STR, False)},
    "deleteWebhook": {"drop_pending_updates": (BOOL, False)},
    "getWebhookInfo": {},
    "getChat": {"chat_id": (CHAT_ID, True)},
    "getChatAdministrators": {"chat_id": (CHAT_ID, True), "return_bots": (BOOL, False)},
    "getChatMemberCount": {"chat_id": (CHAT_ID, True)},
    "getChatMember": {"chat_id": (CHAT_ID, True), "user_id": (INT, True)},
    "sendMessage": {"business_connection_id": (STR, False), "chat_id": (CHAT_ID, True), "message_thread_id": (INT, False),
                    "direct_messages_topic_id": (INT, False), "ephemeral_message_parameters": (OBJECT, False),
                    "text": (STR, True), "parse_mode": (STR, False), "entities": (ARRAY, False),
                    "link_preview_options": (OBJECT, False), "disable_notification": (BOOL, False),
                    "protect_content": (BOOL, False), "allow_paid_broadcast": (BOOL, False), "message_effect_id": (STR, False),
                    "suggested_post_parameters": (OBJECT, False), "reply_parameters": (OBJECT, False),
                    "reply_markup": (OBJECT, False)},
    "deleteMessage": {"chat_id": (CHAT_ID, True), "message_id": (INT, True)},
    "restrictChatMember": {"chat_id": (CHAT_ID, True), "user_id": (INT, True), "permissions": (OBJECT, True),
                           "use_independent_chat_permissions": (BOOL, False), "until_date": (INT, False)},
    "banChatMember": {"chat_id": (CHAT_ID, True), "user_id": (INT, True), "until_date": (INT, False), "revoke_messages": (BOOL, False)},
    "unbanChatMember": {"chat_id": (CHAT_ID, True), "user_id": (INT, True), "only_if_banned": (BOOL, False)},
    "approveChatJoinRequest": {"chat_id": (CHAT_ID, True), "user_id": (INT, True)},
    "declineChatJoinRequest": {"chat_id": (CHAT_ID, True), "user_id": (INT, True)},
}
METHOD_NAMES = {name.lower(): name for name in METHODS}

CHAT_PERMISSIONS = {"can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos",
                    "can_send_video_notes", "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
                    "can_add_web_page_previews", "can_react_to_messages", "can_change_info", "can_invite_users",
                    "can_pin_messages", "can_manage_topics", "can_edit_tag"}
REPLY_PARAMETERS = {"message_id": True, "chat_id": False, "allow_sending_without_reply": False, "quote": False,
                    "quote_parse_mode": False, "quote_entities": False, "quote_position": False, "checklist_task_id": False,
                    "poll_option_id": False}
LINK_PREVIEW_OPTIONS = {"is_disabled", "url", "prefer_small_media", "prefer_large_media", "show_above_text"}
ENTITY_FIELDS = {"type", "offset", "length", "url", "user", "language", "custom_emoji_id", "date_time_format", "unix_time"}
ENTITY_TYPES = {"mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bold", "italic", "underline",
                "strikethrough", "spoiler", "blockquote", "expandable_blockquote", "code", "pre", "text_link",
                "text_mention", "custom_emoji", "date_time"}
UPDATE_TYPES = ("message", "edited_message", "channel_post", "edited_channel_post", "business_connection", "business_message",
                "edited_business_message", "deleted_business_messages", "message_reaction", "message_reaction_count",
                "inline_query", "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
                "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member", "chat_join_request",
                "chat_boost", "removed_chat_boost")
# Updates the Bot API leaves out unless allowed_updates names them.
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
MESSAGE_METHODS = {"sendMessage"}
OUTGOING_METHODS = {"sendMessage", "deleteMessage", "restrictChatMember", "banChatMember", "unbanChatMember",
                    "approveChatJoinRequest", "declineChatJoinRequest"}
MAX_LONG_POLL = 50


class APIError(Exception):
    def __init__(self, code, description, rejected_as=None, parameters=None):
        super().__init__(description)
        self.code, self.description, self.rejected_as, self.parameters = code, description, rejected_as, parameters


def bad(description, rejected_as=None):
    return APIError(400, f"Bad Request: {description}", rejected_as)


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


class FakeBotAPI:
    """The Bot API for one bot. Thread-safe; start() serves on a free loopback port."""

    def __init__(self, token, platform=None, started_users=(), blocked_users=(), per_chat_per_minute=20,
                 per_chat_per_second=None, global_per_second=30, allow_http_webhook=False, host="127.0.0.1", port=0,
                 log=None):
        self.token = token
        self.host, self.port = host, port
        self.started_users = set(int(u) for u in started_users)
        self.blocked_users = set(int(u) for u in blocked_users)
        self.per_chat_per_minute = per_chat_per_minute
        self.per_chat_per_second = per_chat_per_second
        self.global_per_second = global_per_second
        self.allow_http_webhook = allow_http_webhook
        self.log = log
        self.calls = []
        self.deliveries = {}
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._queue = []
        self._allowed_updates = None
        self._poll_generation = 0
        self._webhook = {"url": "", "secret_token": None, "allowed_updates": None, "max_connections": 40}
        self._messages = set()           # (chat_id, message_id) the chat has
        self._next_message_id = {}
        self._requests = set()           # (chat_id, user_id) pending join requests
        self._banned = set()
        self._restricted = {}
        self._users = {}
        self._sent = []                  # (time, chat_id, method) of successful outgoing calls
        self._server = None
        self._thread = None
        self._stopping = False
        self._local = threading.local()
        self.me = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "鲜海服务号", "username": "XianhaiServiceBot",
                   "can_join_groups": True, "can_read_all_group_messages": True, "supports_inline_queries": False,
                   "can_connect_to_business": False, "has_main_web_app": False}
        self.chats = {}
        if platform is not None:
            self.load_platform(platform)

    # -- the world -------------------------------------------------------------------------------

    def load_platform(self, platform):
        """Chats (getChat, getChatMemberCount, getChatAdministrators answers) from platform.json or a dict."""
        if not isinstance(platform, dict):
            platform = json.loads(Path(platform).read_text(encoding="utf-8"))
        with self._lock:
            if "getMe" in platform:
                self.me = dict(platform["getMe"])
            for chat_id, answers in platform.get("chats", {}).items():
                self.chats[int(chat_id)] = json.loads(json.dumps(answers))
                for m in answers.get("getChatAdministrators", []):
                    self._users[m["user"]["id"]] = m["user"]

    def add_chat(self, chat_id, title, member_count=100, administrators=(), chat_type="supergroup"):
        with self._lock:
            self.chats[int(chat_id)] = {
                "getChat": {"id": int(chat_id), "title": title, "type": chat_type, "accent_color_id": 0, "max_reaction_count": 11,
                            "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                                                    "premium_subscription": False, "gifts_from_channels": False}},
                "getChatMemberCount": member_count, "getChatAdministrators": list(administrators)}

    def note_update(self, update):
        """Remembers what an update tells: messages the chat now has, pending join requests, users."""
        with self._lock:
            for key in ("message", "edited_message"):
                m = update.get(key)
                if m:
                    self._messages.add((m["chat"]["id"], m["message_id"]))
                    self._next_message_id[m["chat"]["id"]] = max(self._next_message_id.get(m["chat"]["id"], 0), m["message_id"])
                    for u in [m.get("from")] + list(m.get("new_chat_members", [])):
                        if u:
                            self._users[u["id"]] = u
            r = update.get("chat_join_request")
            if r:
                self._requests.add((r["chat"]["id"], r["from"]["id"]))
                self._users[r["from"]["id"]] = r["from"]
            c = update.get("chat_member")
            if c:
                self._users[c["new_chat_member"]["user"]["id"]] = c["new_chat_member"]["user"]

    def queue_update(self, update):
        """Adds an update to the getUpdates queue (update_id given, or the next one)."""
        with self._lock:
            update = dict(update)
            if "update_id" not in update:
                last = max([u["update_id"] for u in self._queue] + [max(self.deliveries, default=100000)])
                update["update_id"] = last + 1
            self.note_update(update)
            self._queue.append(update)
            self._queue.sort(key=lambda u: u["update_id"])
            self._changed.notify_all()
            return update["update_id"]

    def pending_updates(self):
        with self._lock:
            return [u["update_id"] for u in self._queue]

    def post_update(self, url, update, secret=None, timeout=10):
        """Posts an update to a webhook as Telegram does; returns (status, body bytes)."""
        self.note_update(update)
        parts = urllib.parse.urlsplit(url)
        body = json.dumps(update, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        try:
            connection.request("POST", parts.path or "/", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    # -- looking at the calls ----------------------------------------------------------------------

    def calls_to(self, method, **params):
        """Successful-or-not calls of a method whose params include the given values."""
        with self._lock:
            return [c for c in self.calls if c["method"] == method
                    and all(str(c["params"].get(k)) == str(v) for k, v in params.items())]

    def rejected(self, *kinds):
        with self._lock:
            return [c for c in self.calls if c.get("rejected_as") and (not kinds or c["rejected_as"] in kinds)]

    def wait_for(self, predicate, timeout, interval=0.05):
        """Waits until predicate() is truthy (returns it) or the timeout passes (returns None)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                return None
            time.sleep(interval)

    # -- serving -------------------------------------------------------------------------------------

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._serve(self, "GET")

            def do_POST(self):
                fake._serve(self, "POST")

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                    super().handle_error(request, client_address)

        self._server = Server((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-bot-api", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        with self._lock:
            self._stopping = True
            self._changed.notify_all()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @staticmethod
    def _read_body(handler):
        if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(handler.rfile.read(size))
                handler.rfile.readline()
            return b"".join(chunks)
        length = int(handler.headers.get("Content-Length") or 0)
        return handler.rfile.read(length) if length else b""

    def _reply(self, handler, status, payload):
        # compact, non-ASCII escaped: the bytes the Bot API itself writes
        body = json.dumps(payload, separators=(",", ":")).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a long poll of a process that stopped)

    def _client_gone(self):
        """Whether the client of the request in hand has closed its connection (a long poll of a
        process that stopped): such a poll delivers nothing, as nobody would read the answer."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            return False
        try:
            readable, _, _ = select.select([connection], [], [], 0)
            return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _serve(self, handler, verb):
        self._local.connection = handler.connection
        parts = urllib.parse.urlsplit(handler.path)
        body = self._read_body(handler)
        if parts.path.startswith("/_fake/"):
            return self._control(handler, verb, parts.path, body)
        match = re.match(r"^/bot([^/]*)/([A-Za-z]*)$", parts.path)
        started = time.time()
        record = {"t": started, "verb": verb, "path": parts.path, "method": None, "params": {}, "status": None}
        try:
            if not match:
                raise APIError(404, "Not Found", "unknown_method")
            token, name = match.groups()
            record["method"] = METHOD_NAMES.get(name.lower(), name)
            if token != self.token:
                raise APIError(401, "Unauthorized", "unauthorized")
            params = self._params(handler, parts, body)
            record["params"] = params
            if name.lower() not in METHOD_NAMES:
                raise APIError(404, "Not Found", "unknown_method")
            method = METHOD_NAMES[name.lower()]
            params = self._check_params(method, params)
            result = getattr(self, "_m_" + method)(params, record)
            status, payload = 200, {"ok": True, "result": result}
        except APIError as error:
            status = error.code
            payload = {"ok": False, "error_code": error.code, "description": error.description}
            if error.parameters:
                payload["parameters"] = error.parameters
            record["rejected_as"] = error.rejected_as
        record.update(status=status, answer=payload, took=time.time() - started)
        with self._lock:
            self.calls.append(record)
        if self.log:
            self.log(record)
        self._reply(handler, status, payload)

    def _params(self, handler, parts, body):
        params = dict(urllib.parse.parse_qsl(parts.query))
        kind = handler.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if body:
            if kind == "application/json" or (not kind and body[:1] in (b"{", b"[")):
                try:
                    data = json.loads(body)
                except ValueError:
                    raise bad("can't parse JSON encoded request body", "bad_type")
                if not isinstance(data, dict):
                    raise bad("can't parse JSON encoded request body: an object was expected", "bad_type")
                params.update(data)
            elif kind == "application/x-www-form-urlencoded":
                params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
            elif kind.startswith("multipart/"):
                raise bad("multipart bodies are not supported by this fake", "bad_type")
        return params

    def _check_params(self, method, params):
        spec = METHODS[method]
        for key in params:
            if key not in spec:
                raise bad(f'unknown parameter "{key}" for {method}', "unknown_parameter")
        out = {}
        for key, (kind, required) in spec.items():
            if key not in params or params[key] is None:
                if required:
                    if key == "text":
                        raise bad("message text is empty", "missing_parameter")
                    if key == "chat_id":
                        raise bad("chat_id is empty", "missing_parameter")
                    raise bad(f'parameter "{key}" is required', "missing_parameter")
                continue
            out[key] = self._typed(key, kind, params[key])
        return out

    @staticmethod
    def _typed(key, kind, value):
        def fail():
            raise bad(f'parameter "{key}" must be {kind}, got {json.dumps(value, ensure_ascii=False)[:60]}', "bad_type")
        if kind in (INT, CHAT_ID):
            # An integer, or its decimal text; a chat id may also be a channel's @username.
            if isinstance(value, bool):
                fail()
            if isinstance(value, int):
                return value
            if isinstance(value, str) and re.match(r"^-?\d+$", value):
                return int(value)
            if kind == INT:
                fail()
            if isinstance(value, str) and re.match(r"^@\w{4,32}$", value):
                return value
            raise bad("chat not found", "bad_type")
        if kind == BOOL:
            if isinstance(value, bool):
                return value
            if value in ("true", "false", "True", "False", "1", "0"):
                return value in ("true", "True", "1")
            fail()
        if kind in (STR, FILE):
            if isinstance(value, str):
                return value
            fail()
        if kind in (ARRAY, OBJECT):
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    fail()
            if kind == ARRAY and isinstance(value, list):
                return value
            if kind == OBJECT and isinstance(value, dict):
                return value
            fail()
        return value

    # -- helpers for the methods -------------------------------------------------------------------

    def _chat(self, chat_id):
        if isinstance(chat_id, str):
            for cid, answers in self.chats.items():
                if "@" + str(answers["getChat"].get("username", "")) == chat_id:
                    return cid, answers
            raise bad("chat not found")
        if chat_id in self.chats:
            return chat_id, self.chats[chat_id]
        raise bad("chat not found")

    def _role(self, chat_id, user_id):
        for m in self.chats.get(chat_id, {}).get("getChatAdministrators", []):
            if m["user"]["id"] == user_id:
                return m["status"]
        return None

    def _rate(self, method, chat_id):
        """Raises 429 when this call would pass a limit; counts successful calls only."""
        now = time.time()
        self._sent = [s for s in self._sent if now - s[0] < 60]

        def limit(window, cap, match):
            if not cap:
                return
            inside = [s[0] for s in self._sent if now - s[0] < window and match(s)]
            if len(inside) >= cap:
                retry = max(1, math.ceil(window - (now - min(inside))))
                raise APIError(429, f"Too Many Requests: retry after {retry}", "rate_limit", {"retry_after": retry})

        if method in OUTGOING_METHODS:
            limit(1.0, self.global_per_second, lambda s: s[2] in OUTGOING_METHODS)
        if method in MESSAGE_METHODS:
            limit(1.0, self.per_chat_per_second, lambda s: s[1] == chat_id and s[2] in MESSAGE_METHODS)
            if isinstance(chat_id, int) and chat_id < 0:
                limit(60.0, self.per_chat_per_minute, lambda s: s[1] == chat_id and s[2] in MESSAGE_METHODS)

    def _sent_ok(self, method, chat_id):
        self._sent.append((time.time(), chat_id, method))

    def _public_chat(self, chat_id):
        if chat_id in self.chats:
            info = self.chats[chat_id]["getChat"]
            return {k: info[k] for k in ("id", "title", "username", "type") if k in info}
        user = self._users.get(chat_id, {"id": chat_id, "first_name": str(chat_id)})
        chat = {"id": chat_id, "first_name": user.get("first_name", "")}
        for k in ("last_name", "username"):
            if k in user:
                chat[k] = user[k]
        chat["type"] = "private"
        return chat

    # -- the methods ---------------------------------------------------------------------------------

    def _m_getMe(self, p, record):
        return self.me

    def _m_getWebhookInfo(self, p, record):
        with self._lock:
            info = {"url": self._webhook["url"], "has_custom_certificate": False, "pending_update_count": len(self._queue)}
            if self._webhook["url"]:
                info["max_connections"] = self._webhook["max_connections"]
                if self._webhook["allowed_updates"] is not None:
                    info["allowed_updates"] = self._webhook["allowed_updates"]
            return info

    def _m_setWebhook(self, p, record):
        url = p["url"]
        if url:
            scheme = urllib.parse.urlsplit(url).scheme
            if scheme != "https" and not (self.allow_http_webhook and scheme == "http"):
                raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not re.match(r"^[A-Za-z0-9_-]{1,256}$", secret):
            raise bad("secret token contains unallowed characters")
        if "max_connections" in p and not 1 <= p["max_connections"] <= 100:
            raise bad("bad webhook: max_connections must be between 1 and 100")
        with self._lock:
            self._webhook = {"url": url, "secret_token": secret, "allowed_updates": p.get("allowed_updates"),
                             "max_connections": p.get("max_connections", 40)}
            if p.get("drop_pending_updates"):
                self._queue.clear()
            self._changed.notify_all()
        return True

    def _m_deleteWebhook(self, p, record):
        with self._lock:
            self._webhook = {"url": "", "secret_token": None, "allowed_updates": None, "max_connections": 40}
            if p.get("drop_pending_updates"):
                self._queue.clear()
            self._changed.notify_all()
        return True

    def _m_getUpdates(self, p, record):
        offset = p.get("offset")
        limit = p.get("limit", 100)
        if not 1 <= limit <= 100:
            limit = max(1, min(100, limit))
        timeout = max(0, min(MAX_LONG_POLL, p.get("timeout", 0)))
        allowed = p.get("allowed_updates")
        if allowed is not None:
            unknown = [a for a in allowed if a not in UPDATE_TYPES]
            if unknown:
                raise bad(f"unknown update type {unknown[0]!r} in allowed_updates", "bad_type")
        with self._lock:
            if self._webhook["url"]:
                raise APIError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
            if allowed is not None:
                self._allowed_updates = list(allowed)
            if offset is not None:
                if offset < 0:
                    self._queue = self._queue[offset:]
                else:
                    self._queue = [u for u in self._queue if u["update_id"] >= offset]
            self._poll_generation += 1
            generation = self._poll_generation
            deadline = time.monotonic() + timeout
            while True:
                if self._stopping or self._client_gone():
                    record["client_gone"] = True
                    return []
                if generation != self._poll_generation:
                    raise APIError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
                wanted = set(self._allowed_updates) if self._allowed_updates else set(UPDATE_TYPES) - NOT_BY_DEFAULT
                # updates of types not wanted are dropped, as the Bot API never stores them
                self._queue = [u for u in self._queue if any(k in wanted for k in u if k != "update_id")]
                batch = self._queue[:limit]
                if batch and self._client_gone():
                    record["client_gone"] = True
                    return []
                if batch or time.monotonic() >= deadline:
                    break
                self._changed.wait(min(0.5, max(0.01, deadline - time.monotonic())))
            for u in batch:
                self.deliveries[u["update_id"]] = self.deliveries.get(u["update_id"], 0) + 1
            record["delivered"] = [u["update_id"] for u in batch]
            return batch

    def _m_getChat(self, p, record):
        with self._lock:
            if isinstance(p["chat_id"], int) and p["chat_id"] > 0:
                user = self._users.get(p["chat_id"])
                if not user or p["chat_id"] not in self.started_users:
                    raise bad("chat not found")
                chat = self._public_chat(p["chat_id"])
                chat.update({"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": {
                    "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False, "premium_subscription": False,
                    "gifts_from_channels": False}})
                return chat
            _, answers = self._chat(p["chat_id"])
            return answers["getChat"]

    def _m_getChatAdministrators(self, p, record):
        with self._lock:
            cid, answers = self._chat(p["chat_id"])
            admins = answers.get("getChatAdministrators", [])
            if not p.get("return_bots"):
                admins = [m for m in admins if not m["user"].get("is_bot") or m["user"]["id"] == self.me["id"]]
            return admins

    def _m_getChatMemberCount(self, p, record):
        with self._lock:
            _, answers = self._chat(p["chat_id"])
            return answers.get("getChatMemberCount", 0)

    def _m_getChatMember(self, p, record):
        with self._lock:
            cid, answers = self._chat(p["chat_id"])
            for m in answers.get("getChatAdministrators", []):
                if m["user"]["id"] == p["user_id"]:
                    return m
            user = self._users.get(p["user_id"])
            if user is None:
                raise bad("user not found")
            if (cid, p["user_id"]) in self._banned:
                return {"user": user, "status": "kicked", "until_date": 0}
            if (cid, p["user_id"]) in self._restricted:
                return self._restricted[(cid, p["user_id"])]
            return {"user": user, "status": "member"}

    def _m_sendMessage(self, p, record):
        text = p["text"]
        if not text:
            raise bad("message text is empty")
        if utf16_len(text) > 4096:
            raise bad("message is too long")
        if "parse_mode" in p and p["parse_mode"] not in ("HTML", "Markdown", "MarkdownV2"):
            raise bad(f"unsupported parse_mode {p['parse_mode']!r}")
        for i, e in enumerate(p.get("entities", [])):
            self._check_entity(i, e, text)
        for key in p.get("link_preview_options", {}):
            if key not in LINK_PREVIEW_OPTIONS:
                raise bad(f'unknown field "{key}" in link_preview_options', "unknown_parameter")
        with self._lock:
            chat_id = p["chat_id"]
            if isinstance(chat_id, int) and chat_id > 0:
                if chat_id in self.blocked_users:
                    raise APIError(403, "Forbidden: bot was blocked by the user")
                if chat_id not in self.started_users:
                    raise APIError(403, "Forbidden: bot can't initiate conversation with a user")
            else:
                chat_id, _ = self._chat(chat_id)
            reply = p.get("reply_parameters")
            if reply is not None:
                for key in reply:
                    if key not in REPLY_PARAMETERS:
                        raise bad(f'unknown field "{key}" in reply_parameters', "unknown_parameter")
                if "message_id" not in reply:
                    raise bad("reply_parameters need a message_id", "missing_parameter")
                target = reply.get("chat_id", chat_id)
                if (target, reply["message_id"]) not in self._messages and not reply.get("allow_sending_without_reply"):
                    raise bad("message to be replied not found")
            self._rate("sendMessage", chat_id)
            message_id = self._next_message_id.get(chat_id, 0) + 1
            self._next_message_id[chat_id] = message_id
            self._messages.add((chat_id, message_id))
            self._sent_ok("sendMessage", chat_id)
            message = {"message_id": message_id, "from": {k: self.me[k] for k in ("id", "is_bot", "first_name", "username") if k in self.me},
                       "chat": self._public_chat(chat_id), "date": int(time.time()), "text": text}
            if p.get("entities"):
                message["entities"] = p["entities"]
            return message

    @staticmethod
    def _check_entity(i, e, text):
        if not isinstance(e, dict):
            raise bad(f"can't parse entities: entity {i} is not an object", "bad_type")
        for key in e:
            if key not in ENTITY_FIELDS:
                raise bad(f'unknown field "{key}" in entities[{i}]', "unknown_parameter")
        if e.get("type") not in ENTITY_TYPES:
            raise bad(f"can't parse entities: unsupported entity type {e.get('type')!r}", "bad_type")
        offset, length = e.get("offset"), e.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or isinstance(offset, bool) or offset < 0 or length < 1:
            raise bad(f"can't parse entities: entities[{i}] needs whole numbers offset >= 0 and length >= 1", "bad_type")
        if offset + length > utf16_len(text):
            raise bad(f"can't parse entities: entities[{i}] ends at UTF-16 offset {offset + length}, "
                      f"past the text's {utf16_len(text)} UTF-16 code units")
        if e["type"] == "text_mention":
            user = e.get("user")
            if not isinstance(user, dict) or not isinstance(user.get("id"), int) or isinstance(user.get("id"), bool):
                raise bad(f"can't parse entities: entities[{i}] (text_mention) needs a user with an integer id", "bad_type")
        if e["type"] == "text_link" and not isinstance(e.get("url"), str):
            raise bad(f"can't parse entities: entities[{i}] (text_link) needs a url", "bad_type")

    def _m_deleteMessage(self, p, record):
        with self._lock:
            chat_id, _ = self._chat(p["chat_id"])
            key = (chat_id, p["message_id"])
            if key not in self._messages:
                raise bad("message to delete not found")
            self._rate("deleteMessage", chat_id)
            self._messages.discard(key)
            self._sent_ok("deleteMessage", chat_id)
            return True

    def _member_action(self, p, supergroup_only=False):
        chat_id, answers = self._chat(p["chat_id"])
        if supergroup_only and answers["getChat"].get("type") != "supergroup":
            raise bad("method is available only for supergroups")
        user_id = p["user_id"]
        if user_id == self.me["id"]:
            raise bad("can't restrict self" if supergroup_only else "can't remove self")
        role = self._role(chat_id, user_id)
        if role == "creator":
            raise bad("can't remove chat owner")
        if role == "administrator":
            raise bad("user is an administrator of the chat")
        return chat_id, user_id

    def _m_restrictChatMember(self, p, record):
        for key, value in p["permissions"].items():
            if key not in CHAT_PERMISSIONS:
                raise bad(f'unknown field "{key}" in permissions', "unknown_parameter")
            if not isinstance(value, bool):
                raise bad(f"can't parse permissions JSON object: {key} must be a Boolean", "bad_type")
        with self._lock:
            chat_id, user_id = self._member_action(p, supergroup_only=True)
            self._rate("restrictChatMember", chat_id)
            user = self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": str(user_id)})
            if all(p["permissions"].get(k, False) for k in CHAT_PERMISSIONS - {"can_manage_topics", "can_edit_tag", "can_change_info", "can_pin_messages"}):
                self._restricted.pop((chat_id, user_id), None)
            else:
                state = {"user": user, "status": "restricted", "is_member": True, "until_date": p.get("until_date", 0)}
                state.update({k: bool(p["permissions"].get(k, False)) for k in CHAT_PERMISSIONS})
                self._restricted[(chat_id, user_id)] = state
            self._sent_ok("restrictChatMember", chat_id)
            return True

    def _ban(self, p, method, banned):
        with self._lock:
            chat_id, user_id = self._member_action(p)
            self._rate(method, chat_id)
            (self._banned.add if banned else self._banned.discard)((chat_id, user_id))
            self._sent_ok(method, chat_id)
            return True

    def _m_banChatMember(self, p, record):
        return self._ban(p, "banChatMember", True)

    def _m_unbanChatMember(self, p, record):
        return self._ban(p, "unbanChatMember", False)

    def _join_answer(self, p, method):
        with self._lock:
            chat_id, _ = self._chat(p["chat_id"])
            key = (chat_id, p["user_id"])
            if key not in self._requests:
                raise bad("HIDE_REQUESTER_MISSING")
            self._rate(method, chat_id)
            self._requests.discard(key)
            self._sent_ok(method, chat_id)
            return True

    def _m_approveChatJoinRequest(self, p, record):
        return self._join_answer(p, "approveChatJoinRequest")

    def _m_declineChatJoinRequest(self, p, record):
        return self._join_answer(p, "declineChatJoinRequest")

    # -- /_fake/: controls for standalone use ---------------------------------------------------------

    def _control(self, handler, verb, path, body):
        if path == "/_fake/calls":
            with self._lock:
                return self._reply(handler, 200, self.calls)
        if path == "/_fake/updates" and verb == "POST":
            try:
                data = json.loads(body or b"null")
            except ValueError:
                return self._reply(handler, 400, {"error": "not JSON"})
            ids = [self.queue_update(u) for u in (data if isinstance(data, list) else [data])]
            return self._reply(handler, 200, {"queued": ids})
        if path == "/_fake/updates":
            return self._reply(handler, 200, {"pending": self.pending_updates(), "deliveries": self.deliveries})
        return self._reply(handler, 404, {"error": "unknown control path"})


def main():
    parser = argparse.ArgumentParser(description="A fake Telegram Bot API on loopback, for trying groupbot serve by hand.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="7012345678:AAFakeTokenForLocalTestsOnly-0123456789")
    parser.add_argument("--platform", help="platform.json: getMe and the chats' getChat / getChatMemberCount / getChatAdministrators")
    parser.add_argument("--updates", help="a file of Updates (JSON lines) to queue for getUpdates")
    parser.add_argument("--started", default="", help="comma-separated user ids who have started the bot (DMs to them succeed)")
    parser.add_argument("--per-chat-per-minute", type=int, default=20)
    parser.add_argument("--per-chat-per-second", type=int, default=0)
    parser.add_argument("--global-per-second", type=int, default=30)
    parser.add_argument("--allow-http-webhook", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="do not print each call")
    args = parser.parse_args()

    def log(call):
        answer = call["answer"]
        outcome = "ok" if answer.get("ok") else f"{answer.get('error_code')} {answer.get('description')}"
        params = json.dumps(call["params"], ensure_ascii=False)
        print(f"{time.strftime('%H:%M:%S')} {call['method']} {params[:160]} -> {outcome}", flush=True)

    fake = FakeBotAPI(args.token, platform=args.platform, started_users=[int(u) for u in args.started.split(",") if u],
                      per_chat_per_minute=args.per_chat_per_minute, per_chat_per_second=args.per_chat_per_second or None,
                      global_per_second=args.global_per_second, allow_http_webhook=args.allow_http_webhook,
                      port=args.port, log=None if args.quiet else log)
    if args.updates:
        for line in Path(args.updates).read_text(encoding="utf-8").splitlines():
            if line.strip():
                fake.queue_update(json.loads(line))
    fake.start()
    print(f"fake Bot API on {fake.url} (token {args.token}); {len(fake.pending_updates())} update(s) queued; Ctrl-C stops", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
