#!/usr/bin/env python3
"""Checks the Telegram fixtures against an independent reading of the Bot API.

    python3 Tests/telegram/validate_fixtures.py                      # installs python-telegram-bot when missing
    python3 Tests/telegram/validate_fixtures.py --binary .build/debug/groupbot
    python3 Tests/telegram/validate_fixtures.py --fixtures DIR --no-install

Every line of `updates.jsonl` and `session.jsonl` (Tests/GroupbotTelegramTests/Fixtures)
must be an Update as the Bot API sends it: python-telegram-bot's `Update.de_json` parses
it (a missing required field of any object is a TypeError there), the update carries the
sub-object its key names (message, edited_message, chat_member or chat_join_request), and
no object has a field the library does not know (a misspelt field would otherwise pass
silently) except the legacy fields the Bot API still sends next to their successors:
`new_chat_participant`, `new_chat_member`, `left_chat_participant` and a basic group's
`all_members_are_administrators`.

Beyond the library, the script checks what it cannot:

- entity offsets and lengths are in UTF-16 code units and lie inside the text or caption;
  a `url` entity covers an http(s) URL, a `text_link` has a `url`, a `text_mention` a user;
- `update_id` grows from line to line, and message ids per chat never repeat (an edit
  repeats the id it edits);
- `updates.cases` names each line of `updates.jsonl` (same count, unique names), and
  `updates.expected.jsonl` holds one JSON array of wire-format events per line;
- each expected event has the required fields of docs/wire-format.md, only known
  fields, `ts` in +08:00 equal to the update's `date`, and an `id` that follows the
  id scheme (`tg:<chat>:<message_id>`, `tg:<chat>:<message_id>:rename`, `tg:join:…`,
  `tg:leave:…`, `tg:request:…`) with the chat, message and date of its update;
- `session.expected-events.jsonl` lists each id once, in time order, and every
  action of `session.expected-actions.jsonl` is caused by one of those events or
  by a schedule;
- `platform.json` (the answers of getMe, getChat, getChatMemberCount and
  getChatAdministrators the tests use) parses as the Bot API's User, ChatFullInfo and
  ChatMember, and covers every group chat of the fixtures.

With --binary, `groupbot replay session.expected-events.jsonl --expect
session.expected-actions.jsonl` runs as well.

Prints `telegram fixtures: ok (N updates)`; otherwise every problem as
`<file> line <n>: <reason>` and exits 1.
"""

import argparse
import datetime
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = REPO / "Tests" / "GroupbotTelegramTests" / "Fixtures"

UPDATE_KINDS = ("message", "edited_message", "chat_member", "chat_join_request")
LEGACY_FIELDS = {"new_chat_participant", "new_chat_member", "left_chat_participant", "all_members_are_administrators"}
EVENT_FIELDS = ["type", "id", "ts", "group", "group_name", "user", "nick", "role", "kind", "text",
                "inviter", "old_nick", "mentions", "reply_to"]
EVENT_TYPES = {"message", "join", "leave", "rename", "join_request"}
KINDS = {"image", "video", "file", "sticker", "voice", "card", "link"}
ROLES = {"owner", "admin"}
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def ensure_library(install):
    """Imports python-telegram-bot, installing it from the package index when missing."""
    try:
        return importlib.import_module("telegram")
    except ImportError:
        if not install:
            sys.exit("python-telegram-bot is not installed (run without --no-install, or: python3 -m pip install python-telegram-bot)")
    command = [sys.executable, "-m", "pip", "install", "-q", "python-telegram-bot"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 and "externally-managed-environment" in (done.stderr + done.stdout):
        done = subprocess.run(command + ["--break-system-packages"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("installing python-telegram-bot failed:\n" + done.stderr.strip())
    importlib.invalidate_caches()
    return importlib.import_module("telegram")


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text, offset, length):
    return text.encode("utf-16-le")[offset * 2:(offset + length) * 2].decode("utf-16-le", errors="replace")


class Checker:
    def __init__(self, telegram):
        self.telegram = telegram
        self.problems = []

    def fail(self, where, reason):
        self.problems.append(f"{where}: {reason}")

    # -- Bot API objects ------------------------------------------------------------------

    def unknown_fields(self, obj, path, out):
        """Fields python-telegram-bot kept in api_kwargs (it does not know them), anywhere in obj."""
        if isinstance(obj, self.telegram.TelegramObject):
            for key in obj.api_kwargs or {}:
                if key not in LEGACY_FIELDS:
                    out.append(f"{path}.{key}")
            for key, value in obj._get_attrs(recursive=False).items():
                self.unknown_fields(value, f"{path}.{key}", out)
        elif isinstance(obj, (list, tuple)):
            for i, item in enumerate(obj):
                self.unknown_fields(item, f"{path}[{i}]", out)
        return out

    def parse(self, cls, data, where):
        try:
            obj = cls.de_json(data, None)
        except Exception as error:  # the library raises TypeError, KeyError, ValueError …
            self.fail(where, f"python-telegram-bot cannot read it as {cls.__name__}: {type(error).__name__}: {error}")
            return None
        for field in self.unknown_fields(obj, cls.__name__, []):
            self.fail(where, f"field unknown to the Bot API: {field}")
        return obj

    def entities(self, where, text, entities, field):
        for i, e in enumerate(entities or []):
            at = f"{where}: {field}[{i}] ({e.get('type')})"
            offset, length = e.get("offset"), e.get("length")
            if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length <= 0:
                self.problems.append(f"{at}: offset and length must be whole numbers, length above 0")
                continue
            if text is None or offset + length > utf16_len(text):
                self.problems.append(f"{at}: ends at UTF-16 offset {offset + length}, past the text ({utf16_len(text or '')} UTF-16 units)")
                continue
            covered = utf16_slice(text, offset, length)
            if e["type"] == "url" and not re.match(r"^https?://\S+$", covered):
                self.problems.append(f"{at}: covers {covered!r}, not a URL (offsets are UTF-16 code units)")
            if e["type"] == "mention" and not re.match(r"^@\w{5,32}$", covered):
                self.problems.append(f"{at}: covers {covered!r}, not an @username")
            if e["type"] == "bot_command" and not covered.startswith("/"):
                self.problems.append(f"{at}: covers {covered!r}, not a /command")
            if e["type"] == "text_link" and not str(e.get("url", "")).startswith(("http://", "https://", "tg://")):
                self.problems.append(f"{at}: a text_link needs a url")
            if e["type"] == "text_mention" and not isinstance(e.get("user", {}).get("id"), int):
                self.problems.append(f"{at}: a text_mention needs a user with an id")
            if covered != covered.strip():
                self.problems.append(f"{at}: covers {covered!r}, with white space at an end (the apps never send that)")

    def json_lines(self, path):
        """Yields (where, value, ok) for each line of a JSON-lines file; a line that is not
        JSON is reported once here and comes back with ok False."""
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name} line {n}"
            try:
                yield where, json.loads(line), True
            except ValueError as error:
                self.fail(where, f"not JSON: {error}")
                yield where, None, False

    def update_file(self, path):
        """Checks a file of Updates; returns them (None for lines that failed)."""
        updates = []
        last_id = None
        message_ids = {}
        for where, data, ok in self.json_lines(path):
            if not ok:
                updates.append(None)
                continue
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                self.fail(where, "an Update is an object with an integer update_id")
                updates.append(None)
                continue
            kinds = [k for k in data if k != "update_id"]
            if len(kinds) != 1 or kinds[0] not in UPDATE_KINDS:
                self.fail(where, f"an Update carries exactly one of {', '.join(UPDATE_KINDS)}; this one has {kinds}")
                updates.append(None)
                continue
            kind = kinds[0]
            if last_id is not None and data["update_id"] <= last_id:
                self.fail(where, f"update_id {data['update_id']} does not grow (previous {last_id})")
            last_id = data["update_id"]
            parsed = self.parse(self.telegram.Update, data, where)
            if parsed is not None and getattr(parsed, kind, None) is None:
                self.fail(where, f"parsed Update has no {kind}")
            body = data[kind]
            if kind in ("message", "edited_message"):
                self.entities(where, body.get("text"), body.get("entities"), "entities")
                self.entities(where, body.get("caption"), body.get("caption_entities"), "caption_entities")
                reply = body.get("reply_to_message")
                if reply:
                    self.entities(where, reply.get("text"), reply.get("entities"), "reply_to_message.entities")
                    if reply.get("chat", {}).get("id") != body["chat"]["id"]:
                        self.fail(where, "reply_to_message is from another chat")
                key = (body["chat"]["id"], body["message_id"])
                if kind == "message":
                    if key in message_ids:
                        self.fail(where, f"message_id {body['message_id']} already used in chat {key[0]} on line {message_ids[key]}")
                    message_ids[key] = where.rsplit(" ", 1)[-1]
                elif key not in message_ids:
                    self.fail(where, "edited_message edits a message that is not in the file")
                if "new_chat_members" in body and body.get("new_chat_member") not in (None, body["new_chat_members"][0]):
                    self.fail(where, "new_chat_member differs from the first of new_chat_members")
                if "left_chat_member" in body and body.get("left_chat_participant") not in (None, body["left_chat_member"]):
                    self.fail(where, "left_chat_participant differs from left_chat_member")
            updates.append(data)
        return updates

    # -- wire-format events -----------------------------------------------------------------

    def event(self, where, e, update):
        if not isinstance(e, dict):
            self.fail(where, "an event must be an object")
            return
        keys = list(e)
        unknown = [k for k in keys if k not in EVENT_FIELDS]
        if unknown:
            self.fail(where, f"fields outside the expected set: {unknown}")
        if keys != [k for k in EVENT_FIELDS if k in e]:
            self.fail(where, f"fields out of order: {keys}")
        for k in ("type", "id", "ts", "group", "user"):
            if not isinstance(e.get(k), str) or not e.get(k):
                self.fail(where, f"missing or empty {k}")
                return
        if e["type"] not in EVENT_TYPES:
            self.fail(where, f"unknown event type {e['type']!r}")
        if not TS.match(e["ts"]):
            self.fail(where, f"ts {e['ts']!r} is not RFC 3339 in +08:00")
        if "role" in e and e["role"] not in ROLES:
            self.fail(where, f"role {e['role']!r}: only owner or admin is written (member is the default)")
        if "kind" in e and e["kind"] not in KINDS:
            self.fail(where, f"kind {e['kind']!r}: only a kind other than text is written")
        for k in ("group_name", "nick", "text", "inviter", "old_nick", "reply_to"):
            if k in e and (not isinstance(e[k], str) or not e[k]):
                self.fail(where, f"{k} must be a non-empty string when present")
        if "mentions" in e and (not isinstance(e["mentions"], list) or not e["mentions"]
                                or not all(isinstance(m, str) for m in e["mentions"])):
            self.fail(where, "mentions must be a non-empty array of strings when present")
        if e["type"] == "rename" and "old_nick" not in e:
            self.fail(where, "a rename needs old_nick")
        if update is None:
            return
        kind = next(k for k in update if k != "update_id")
        body = update[kind]
        chat = body["chat"]["id"]
        date = body["date"]
        if e["group"] != str(chat):
            self.fail(where, f"group {e['group']} is not the update's chat {chat}")
        expected_ts = datetime.datetime.fromtimestamp(date, SHANGHAI).isoformat()
        if e["ts"] != expected_ts:
            self.fail(where, f"ts {e['ts']} is not the update's date {date} ({expected_ts})")
        if body["chat"].get("title") and e.get("group_name") != body["chat"]["title"]:
            self.fail(where, "group_name is not the chat's title")
        scheme = {"join": f"tg:join:{chat}:{e['user']}:{date}", "leave": f"tg:leave:{chat}:{e['user']}:{date}",
                  "join_request": f"tg:request:{chat}:{e['user']}:{date}",
                  "rename": f"tg:{chat}:{body.get('message_id')}:rename"}
        if e["type"] == "message":
            expected_id = f"tg:{chat}:{body.get('message_id')}"
        else:
            expected_id = scheme[e["type"]]
        if e["id"] != expected_id:
            self.fail(where, f"id {e['id']} does not follow the scheme ({expected_id})")
        if "reply_to" in e:
            reply = body.get("reply_to_message", {}).get("message_id")
            if e["reply_to"] != f"tg:{chat}:{reply}":
                self.fail(where, f"reply_to {e['reply_to']} is not the replied-to message tg:{chat}:{reply}")

    def expected_per_update(self, updates, path):
        count = 0
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) != len(updates):
            self.fail(path.name, f"{len(lines)} lines for {len(updates)} updates")
        for n, (line, update) in enumerate(zip(lines, updates), 1):
            where = f"{path.name} line {n}"
            try:
                events = json.loads(line)
            except ValueError as error:
                self.fail(where, f"not JSON: {error}")
                continue
            if not isinstance(events, list):
                self.fail(where, "each line is a JSON array of events ([] for an ignored update)")
                continue
            for i, e in enumerate(events):
                self.event(f"{where} event {i + 1}", e, update)
                count += 1
        return count

    def cases(self, updates, path):
        names = path.read_text(encoding="utf-8").splitlines()
        if len(names) != len(updates):
            self.fail(path.name, f"{len(names)} case names for {len(updates)} updates")
        seen = {}
        for n, name in enumerate(names, 1):
            if not re.match(r"^[a-z][a-z0-9_]*$", name):
                self.fail(f"{path.name} line {n}", f"case name {name!r} should be lower_snake_case")
            if name in seen:
                self.fail(f"{path.name} line {n}", f"case name {name!r} repeats line {seen[name]}")
            seen[name] = n

    def recording_events(self, updates, path):
        by_key = {}
        for data in updates:
            if data is None:
                continue
            kind = next(k for k in data if k != "update_id")
            by_key.setdefault((str(data[kind]["chat"]["id"]), data[kind]["date"]), []).append(data)
        ids = set()
        last_ts = ""
        events = []
        for where, e, ok in self.json_lines(path):
            if not ok:
                continue
            candidates = []
            if isinstance(e, dict) and isinstance(e.get("ts"), str) and TS.match(e["ts"]):
                date = int(datetime.datetime.fromisoformat(e["ts"]).timestamp())
                candidates = by_key.get((e.get("group"), date), [])
            if not candidates:
                self.fail(where, "no update of the recording has this event's chat and date")
                self.event(where, e, None)
            else:
                # the update it comes from: for messages the one with that message id
                match = candidates[0]
                for c in candidates:
                    body = c[next(k for k in c if k != "update_id")]
                    if e.get("type") == "message" and e.get("id") == f"tg:{body['chat']['id']}:{body.get('message_id')}":
                        match = c
                self.event(where, e, match)
            if isinstance(e, dict):
                if e.get("id") in ids:
                    self.fail(where, f"id {e.get('id')} appears twice: the file lists each event once, as serve runs it")
                ids.add(e.get("id"))
                if str(e.get("ts", "")) < last_ts:
                    self.fail(where, "events are not in time order")
                last_ts = str(e.get("ts", ""))
                events.append(e)
        return events

    def recording_actions(self, events, path):
        ids = {e.get("id") for e in events}
        seen = set()
        count = 0
        for where, a, ok in self.json_lines(path):
            if not ok:
                continue
            count += 1
            for k in ("id", "action", "group", "rule", "cause", "ts"):
                if not isinstance(a.get(k), str):
                    self.fail(where, f"an action needs {k}")
            if a.get("id") in seen:
                self.fail(where, f"action id {a.get('id')} repeats")
            seen.add(a.get("id"))
            cause = a.get("cause", "")
            if cause not in ids and "@" not in cause:
                self.fail(where, f"cause {cause} is neither an event of the recording nor a schedule")
        return count

    def platform(self, path, chats):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            self.fail(path.name, f"cannot be read: {error}")
            return
        me = self.parse(self.telegram.User, data.get("getMe", {}), f"{path.name} getMe")
        if me is not None and not me.is_bot:
            self.fail(f"{path.name} getMe", "getMe answers with the bot itself (is_bot true)")
        for chat_id, answers in data.get("chats", {}).items():
            where = f"{path.name} chats[{chat_id}]"
            info = self.parse(self.telegram.ChatFullInfo, answers.get("getChat", {}), where + " getChat")
            if info is not None and str(info.id) != chat_id:
                self.fail(where, f"getChat answers for chat {info.id}")
            if not isinstance(answers.get("getChatMemberCount"), int):
                self.fail(where, "getChatMemberCount must be a whole number")
            admins = answers.get("getChatAdministrators")
            if not isinstance(admins, list) or not admins:
                self.fail(where, "getChatAdministrators must be a non-empty array")
                continue
            for i, m in enumerate(admins):
                member = self.parse(self.telegram.ChatMember, m, f"{where} getChatAdministrators[{i}]")
                if member is not None and member.status not in ("creator", "administrator"):
                    self.fail(where, f"getChatAdministrators[{i}] has status {member.status}")
        for chat in sorted(chats):
            if str(chat) not in data.get("chats", {}):
                self.fail(path.name, f"no answers for chat {chat}, which the fixtures use")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", default=str(FIXTURES), help="the fixture folder (default: %(default)s)")
    parser.add_argument("--no-install", action="store_true", help="fail instead of installing python-telegram-bot")
    parser.add_argument("--binary", help="also replay the recording's events with this groupbot binary")
    args = parser.parse_args()
    folder = Path(args.fixtures)

    telegram = ensure_library(not args.no_install)
    check = Checker(telegram)

    updates = check.update_file(folder / "updates.jsonl")
    check.cases(updates, folder / "updates.cases")
    check.expected_per_update(updates, folder / "updates.expected.jsonl")
    recording = check.update_file(folder / "session.jsonl")
    events = check.recording_events(recording, folder / "session.expected-events.jsonl")
    check.recording_actions(events, folder / "session.expected-actions.jsonl")
    group_chats = {d[k]["chat"]["id"] for d in updates + recording if d
                   for k in d if k != "update_id" and d[k]["chat"]["type"] in ("group", "supergroup")}
    check.platform(folder / "platform.json", group_chats)

    if args.binary:
        done = subprocess.run([args.binary, "replay", str(folder / "session.expected-events.jsonl"), "--rules", str(REPO / "rules"),
                               "--expect", str(folder / "session.expected-actions.jsonl")], capture_output=True, text=True)
        if done.returncode != 0:
            check.fail("session.expected-actions.jsonl", "groupbot replay differs:\n" + (done.stdout + done.stderr).strip())

    if check.problems:
        for problem in check.problems:
            print(problem)
        print(f"telegram fixtures: {len(check.problems)} problem(s)")
        sys.exit(1)
    print(f"telegram fixtures: ok ({len([u for u in updates + recording if u])} updates)")


if __name__ == "__main__":
    main()
