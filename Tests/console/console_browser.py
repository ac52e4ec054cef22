#!/usr/bin/env python3
"""End-to-end test of the operators' console (`/console`) in a real browser.

    sh Tests/console/setup.sh                                             # Chromium, chromedriver, selenium
    python3 Tests/console/console_browser.py --binary .build/debug/groupbot          # about 20 s
    python3 Tests/console/console_browser.py --screenshots /tmp/shots --keep         # keep the temp dir
    python3 Tests/console/console_browser.py --update-docs       # refresh docs/images/console-*.png

One `groupbot serve` runs from a temporary directory with the repository's rules/, a
state file, and a callback URL where nothing listens (one attempt a delivery, so every
delayed action ends up dead at once). Two operators are configured through
GROUPBOT_CONSOLE_TOKENS: chen (admin) and li (viewer).

Before the browser starts, examples/demo.jsonl (three days in four groups) is moved in
time, whole days at a time, so that its last event falls on today in UTC+08:00, and is
posted to `POST /v1/events`. serve is then stopped with SIGTERM (which writes the day
figures into the state file) and started again on the same state: the console shows what
an operator would see the morning after.

Headless Chromium then walks through an operator's day, one step each:

  1  wrong token       a wrong token stays on the sign-in page with an error; a page
                       asked for without a session answers 303 to /console/login
  2  overview          chen signs in and lands on the overview: the latest day is today,
                       every group type has a row with figures, at least five
                       30-day charts
  3  why muted         the audit log, searched for mutes, names u30140 in g-ads-01 and
                       rule scam-words; the cause link shows the same message's deletion
                       and the notice to the admins
  4  pardon            the row's Pardon button: a flash, and the audit log has the engine's
                       own `admin-pardon` action for u30140, naming chen as the operator
  5  group page        g-fans-01 is mapped to type general, and says why
  6  try a rule        a contact-sharing message in g-fans-01 is explained: type general,
                       rule ad-contact
  7  deliveries        the pardon's actions die on the closed callback port; Retry queues
                       one again and says so
  8  csrf              a pardon posted with the session's cookie but without the form's
                       CSRF token, or with a wrong one, answers 403
  9  viewer            li (viewer) sees no Pardon buttons, and posting one anyway answers
                       403 even with li's own CSRF token
  10 chinese phone     a browser preferring Chinese gets Chinese pages; at 390x844 the
                       overview is laid out for a phone (viewport meta tag)
  11 shadow            the page of rules on trial renders

Screenshots of the pages (overview.png, audit.png, pardon.png, group.png, try.png,
deliveries.png, overview-phone-zh.png, shadow.png) go to --screenshots (default
.build/console-screenshots); --update-docs copies the overview and the audit log to
docs/images/console-overview.png and docs/images/console-audit.png.

Each step prints ✔ or ✘ with what went wrong. The last line is `console browser: ok`
when all passed (exit 0), otherwise `console browser: N of M failed` (exit 1). serve
and the browsers are always stopped at the end.

Needs Python 3, selenium, Chromium and chromedriver (Tests/console/setup.sh installs
them); otherwise only the standard library and 127.0.0.1 addresses.
"""

import argparse
import base64
import datetime
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import _thread
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "support"))

from e2e import (Failed, check, say, RunFailed, free_port, kill_children, launch, log_tail, remove_tmp,  # noqa: E402
                 serve_env, sigterm_as_interrupt, start_watchdog, terminate, wait_healthy)

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # reported in main()
    webdriver = None

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))  # the demo's and the rules' offset

ADMIN = ("chen", "admin", "0123456789abcdef0123")
VIEWER = ("li", "viewer", "fedcba9876543210fedc")
WRONG_TOKEN = "not-a-token-0000000000"

MUTED_MEMBER = "u30140"      # the demo mutes this member in g-ads-01 for scam bait
MUTED_GROUP = "g-ads-01"
MUTING_RULE = "scam-words"
GENERAL_GROUP = "g-fans-01"  # no entry of rules/groups.yaml matches it: the default type
CONTACT_TEXT = "加我微信 abc12345 领福利"

COOKIE = "groupbot_console"
PAGE_WAIT = 10.0             # seconds a page may take to load after a click
DEAD_WAIT = 30.0             # seconds for the pardon's deliveries to die
RUN_LIMIT = 170.0            # hard limit of the whole run

def short(text, n=160):
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 1] + "…"


# ---------------------------------------------------------------------------
# The demo's events, moved to end today.


def demo_events(today):
    """examples/demo.jsonl with every `ts` moved by the same whole number of days, so
    that the last event falls on `today` (a date in UTC+08:00); offsets and times of day
    stay as they are."""
    events = []
    with open(str(REPO / "examples" / "demo.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                events.append(json.loads(line))
    last = max(datetime.datetime.fromisoformat(e["ts"]) for e in events)
    shift = datetime.timedelta(days=(today - last.astimezone(SHANGHAI).date()).days)
    for event in events:
        event["ts"] = (datetime.datetime.fromisoformat(event["ts"]) + shift).isoformat()
    return events


# ---------------------------------------------------------------------------
# Plain HTTP (no redirects followed), for what a browser would not send.


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def http(method, url, fields=None, cookie=None, body=None, content_type=None, timeout=10.0):
    """(status, headers, body text) of one request; a redirect is answered, not followed."""
    headers = {}
    if fields is not None:
        body = urllib.parse.urlencode(fields).encode()
        content_type = "application/x-www-form-urlencoded"
    if content_type:
        headers["Content-Type"] = content_type
    if cookie:
        headers["Cookie"] = "%s=%s" % (COOKIE, cookie)
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# groupbot serve


class Serve:
    """One `groupbot serve` on a temporary directory's config and state file."""

    def __init__(self, binary, tmp):
        self.binary = binary
        self.tmp = tmp
        self.port = free_port()
        self.callback_port = free_port()  # nothing listens there: every delivery fails
        self.config = tmp / "groupbot.yaml"
        self.log = tmp / "serve.log"
        self.proc = None
        self.base = "http://127.0.0.1:%d" % self.port
        self.config.write_text("\n".join([
            "host: 127.0.0.1",
            "port: %d" % self.port,
            "rules: %s" % (REPO / "rules"),
            "state: %s" % (tmp / "state.sqlite"),
            "reload: false",
            "callback:",
            "  url: http://127.0.0.1:%d/actions" % self.callback_port,
            "  max_attempts: 1",
            "  first_delay_ms: 1",
            "  max_delay_ms: 1",
            "  timeout_ms: 1000",
            "",
        ]), encoding="utf-8")
        tokens = ",".join(":".join(t) for t in (ADMIN, VIEWER))
        self.env = serve_env(GROUPBOT_CONSOLE_TOKENS=tokens)

    def start(self, banner):
        """Starts serve and waits for /healthz. The binary may be replaced by a build
        meanwhile: a file missing for a moment is waited for (up to 30 s), and a start
        that fails at once is tried again."""
        why = None
        for attempt in range(3):
            deadline = time.time() + 30
            while not os.access(str(self.binary), os.X_OK) and time.time() < deadline:
                time.sleep(0.5)
            if not os.access(str(self.binary), os.X_OK):
                raise RunFailed("no executable groupbot at %s" % self.binary)
            try:
                self.proc = launch([str(self.binary), "serve", "--config", str(self.config)], self.log, banner,
                                   self.env)
            except OSError as error:
                why = "could not start %s: %s" % (self.binary, error)
                time.sleep(1)
                continue
            why = wait_healthy(self.proc, self.port, limit=30)
            if why is None:
                return
            if why != "exited":
                break
            why = "exited with status %s" % self.proc.returncode
            time.sleep(1)
        raise RunFailed("serve did not become healthy (%s); log %s:\n%s" % (why, self.log, log_tail(self.log, 15)))

    def stop(self):
        """SIGTERM and wait; True when serve stopped on its own with status 0."""
        if self.proc is None:
            return True
        stopped = terminate(self.proc, timeout=20)
        return stopped and self.proc.returncode == 0

    def feed(self, events, batch=25):
        processed = 0
        for i in range(0, len(events), batch):
            status, _, text = http("POST", self.base + "/v1/events", body=json.dumps(events[i:i + batch]).encode(),
                                   content_type="application/json", timeout=30)
            if status != 200:
                raise RunFailed("POST /v1/events answered %d: %s" % (status, short(text)))
            processed += json.loads(text).get("processed", 0) + json.loads(text).get("duplicates", 0)
        if processed != len(events):
            raise RunFailed("serve took %d of the %d demo events" % (processed, len(events)))


# ---------------------------------------------------------------------------
# The browser


class Browser:
    """A headless Chromium signed in (or not) as one operator."""

    def __init__(self, base, shots, written, chinese=False):
        self.base = base
        self.shots = shots
        self.written = written  # the names of the screenshots saved in this run
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                         "--lang=zh-CN" if chinese else "--lang=en-US"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh" if chinese else "en-US,en"})
        chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if chromium:
            options.binary_location = chromium
        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.driver = webdriver.Chrome(service=Service(driver_path), options=options)
        self.driver.set_page_load_timeout(20)

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass

    # Navigation

    def open(self, path):
        self.driver.get(self.base + path)

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def query(self):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.driver.current_url).query))

    def click_and_wait(self, element):
        """Clicks something that loads a new page, and waits until the new page has
        loaded: the old page's window carries a mark the new one lacks."""
        self.driver.execute_script("window.__consoleTestOldPage = true")
        element.click()

        def new_page_loaded(driver):
            try:
                return driver.execute_script(
                    "return !window.__consoleTestOldPage && document.readyState === 'complete'")
            except WebDriverException:  # between two documents
                return False

        WebDriverWait(self.driver, PAGE_WAIT).until(new_page_loaded, "no new page after the click at %s"
                                                    % self.driver.current_url)

    def sign_in(self, token):
        self.open("/console/login")
        field = self.one("input#token")
        field.clear()
        field.send_keys(token)
        self.click_and_wait(self.one("#sign-in"))

    # Looking

    def one(self, css):
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        check(found, "no %s on %s%s" % (css, self.driver.current_url, self.page_note()))
        return found[0]

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        return self.one(css).get_attribute("textContent").strip()

    def page_note(self):
        """What the page says, for a failure message: its title, error and flash."""
        parts = []
        for css in ("h1", "p#error", "p#flash"):
            for element in self.driver.find_elements(By.CSS_SELECTOR, css):
                parts.append("%s %r" % (css, short(element.get_attribute("textContent"), 100)))
        if not parts:
            parts.append("body %r" % short(self.driver.find_element(By.TAG_NAME, "body").get_attribute("textContent"), 160))
        return " (" + ", ".join(parts) + ")"

    def cookie(self):
        found = self.driver.get_cookie(COOKIE)
        check(found, "the browser holds no %s cookie" % COOKIE)
        return found["value"]

    def action_rows(self):
        """The rows of the page's table.actions as dicts: id (the action's), time, group,
        member, action, rule, text, cause. Read in one go, so that no row can go stale
        between two cells."""
        return self.driver.execute_script("""
            const names = ["time", "group", "member", "action", "rule", "text", "cause"];
            return Array.from(document.querySelectorAll("table.actions tr.action")).map(tr => {
                const row = {id: tr.dataset.id || ""};
                Array.from(tr.cells).forEach((td, i) => { if (i < names.length) row[names[i]] = td.textContent.trim(); });
                return row;
            });""")

    def in_row(self, row, css):
        """Elements matching `css` in the table.actions row of action `row["id"]`."""
        return self.all('table.actions tr.action[data-id="%s"] %s' % (row["id"].replace('"', '\\"'), css))

    # Screenshots

    def shoot(self, name, full_page=True):
        """Saves a PNG of the page: the whole page at the window's width, or only what
        the window shows."""
        path = self.shots / name
        if full_page:
            try:
                metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
                size = metrics.get("cssContentSize") or metrics["contentSize"]
                shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                    "format": "png", "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 4000), "scale": 1},
                })
                path.write_bytes(base64.b64decode(shot["data"]))
                self.written.add(name)
                return path
            except (WebDriverException, KeyError):
                pass
        check(self.driver.save_screenshot(str(path)), "could not save %s" % path)
        self.written.add(name)
        return path


# ---------------------------------------------------------------------------
# The steps


class Run:
    def __init__(self, args, serve, today):
        self.args = args
        self.serve = serve
        self.base = serve.base
        self.today = today
        self.shots = args.screenshots
        self.browsers = []
        self.screenshots = set()
        self._admin = None

    def browser(self, chinese=False):
        b = Browser(self.base, self.shots, self.screenshots, chinese=chinese)
        self.browsers.append(b)
        return b

    @property
    def admin(self):
        """chen's browser, signed in by step 2 (or here, when step 2 failed before)."""
        if self._admin is None:
            self._admin = self.browser()
        try:
            signed_in = self._admin.driver.get_cookie(COOKIE) is not None
        except WebDriverException:  # no page of the console open yet
            signed_in = False
        if not signed_in:
            self._admin.sign_in(ADMIN[2])
            check(self._admin.path() == "/console", "chen could not sign in (at %s%s)"
                  % (self._admin.driver.current_url, self._admin.page_note()))
        return self._admin

    def mute_search(self, b):
        """The audit log searched for mutes, through the search form."""
        b.open("/console/audit")
        field = b.one("#audit-search input[name=action]")
        field.clear()
        field.send_keys("mute")
        b.click_and_wait(b.one("#audit-search #search"))
        check(b.query().get("action") == "mute", "the search went to %s" % b.driver.current_url)

    @staticmethod
    def muted_row(rows):
        for row in rows:
            if row.get("member") == MUTED_MEMBER and row.get("group") == MUTED_GROUP:
                return row
        return None

    # 1
    def wrong_token(self):
        b = self._admin = self.browser()
        b.sign_in(WRONG_TOKEN)
        check(b.path() == "/console/login", "a wrong token led to %s" % b.driver.current_url)
        error = b.one("p#error")
        check(error.is_displayed(), "p#error is not visible")
        check("not valid" in error.text, "p#error says %r" % error.text)
        check(b.driver.get_cookie(COOKIE) is None, "a wrong token got a session cookie")
        status, headers, _ = http("GET", self.base + "/console")
        check(status == 303, "GET /console without a session answered %d, not 303" % status)
        location = headers.get("Location", "")
        check(urllib.parse.urlsplit(location).path == "/console/login",
              "GET /console without a session redirects to %r" % location)

    # 2
    def overview(self):
        b = self._admin or self.browser()
        self._admin = b
        b.sign_in(ADMIN[2])
        check(b.path() == "/console", "signing in as chen led to %s%s" % (b.driver.current_url, b.page_note()))
        check("chen (admin)" in b.text("header"), "the header says %r" % short(b.text("header")))
        latest = b.text("span#latest-day")
        check(latest == self.today.isoformat(), "latest day %r, expected today %s" % (latest, self.today))
        header, rows = b.driver.execute_script("""
            const cells = tr => Array.from(tr.cells).map(c => c.textContent.trim());
            const trs = Array.from(document.querySelectorAll("table#types tr"));
            return [trs.length ? cells(trs[0]) : [], trs.slice(1).map(cells)];""")
        check(len(rows) >= 3, "table#types has %d data rows: %s" % (len(rows), rows))
        check(all(len(r) == len(header) for r in rows), "table#types rows do not match its header %s: %s"
              % (header, rows))
        check("Messages" in header, "table#types has no Messages column: %s" % header)
        messages = header.index("Messages")
        check(any(int(r[messages] or 0) > 0 for r in rows), "no type has messages: %s" % rows)
        charts = b.all("svg.chart")
        check(len(charts) >= 5, "%d svg.chart on the overview, expected 5" % len(charts))
        check(b.text("span#reload-error").lower() == "none", "reload error %r" % b.text("span#reload-error"))
        b.shoot("overview.png")

    # 3
    def why_muted(self):
        b = self.admin
        self.mute_search(b)
        found = int(b.text("span#found") or 0)
        check(found >= 1, "span#found is %d for action=mute" % found)
        rows = b.action_rows()
        check(rows, "no tr.action rows although %d found" % found)
        first = rows[0]
        check(first["rule"] == MUTING_RULE, "the first mute's rule is %r, expected %s" % (first["rule"], MUTING_RULE))
        check(first["member"] == MUTED_MEMBER and first["group"] == MUTED_GROUP,
              "the first mute is of %s in %s, expected %s in %s" % (first["member"], first["group"], MUTED_MEMBER,
                                                                    MUTED_GROUP))
        links = b.in_row(first, "a[href*='cause=']")
        check(links, "the first mute has no cause link")
        link = links[0]
        href = link.get_attribute("href")
        check("/console/audit?cause=" in href, "the cause link is %r" % href)
        b.click_and_wait(link)
        check(b.query().get("cause") == first["cause"], "the cause link led to %s" % b.driver.current_url)
        kinds = {row["action"] for row in b.action_rows() if row["member"] == MUTED_MEMBER}
        check({"mute", "delete", "notify"} <= kinds,
              "actions of cause %s for %s: %s (expected mute, delete and notify)" % (first["cause"], MUTED_MEMBER,
                                                                                     sorted(kinds)))
        b.shoot("audit.png")

    # 4
    def pardon(self):
        b = self.admin
        self.mute_search(b)
        row = self.muted_row(b.action_rows())
        check(row is not None, "no mute of %s in %s on the mute search" % (MUTED_MEMBER, MUTED_GROUP))
        buttons = b.in_row(row, "button.pardon")
        check(buttons, "the mute row has no button.pardon for an admin")
        b.click_and_wait(buttons[0])
        query = b.query()
        check(b.path() == "/console/audit" and query.get("user") == MUTED_MEMBER and query.get("flash") == "pardoned",
              "the pardon led to %s%s" % (b.driver.current_url, b.page_note()))
        flash = b.one("p#flash")
        check(flash.is_displayed() and flash.text.strip(), "p#flash is empty or hidden")
        deadline = time.time() + 5
        while True:
            pardons = [r for r in b.action_rows() if r["rule"] == "admin-pardon" and r["member"] == MUTED_MEMBER]
            if any(ADMIN[0] in r["text"] for r in pardons) or time.time() > deadline:
                break
            time.sleep(0.5)
            b.driver.refresh()
        check(pardons, "no admin-pardon action for %s after the pardon; rows: %s"
              % (MUTED_MEMBER, [(r["action"], r["rule"]) for r in b.action_rows()]))
        check(any(ADMIN[0] in r["text"] for r in pardons),
              "no admin-pardon action names %s: %s" % (ADMIN[0], [r["text"] for r in pardons]))
        b.shoot("pardon.png")

    # 5
    def group_page(self):
        b = self.admin
        b.open("/console/group?id=" + GENERAL_GROUP)
        mapping = b.text("p#mapping")
        check("general" in mapping, "p#mapping says %r" % mapping)
        b.one("table#strikes")
        b.shoot("group.png")

    # 6
    def try_rule(self):
        b = self.admin
        b.open("/console/try")
        group = b.one("#try-explain input[name=group]")
        group.clear()
        group.send_keys(GENERAL_GROUP)
        text = b.one("#try-explain input#try-text")
        text.clear()
        text.send_keys(CONTACT_TEXT)
        b.click_and_wait(b.one("#try-explain #try-go"))
        explanation = b.text("pre#explanation")
        check(explanation.startswith("group type: general"), "pre#explanation begins %r" % short(explanation, 100))
        check("ad-contact" in explanation, "pre#explanation does not name ad-contact: %r" % short(explanation, 300))
        b.shoot("try.png")

    # 7
    def deliveries(self):
        b = self.admin
        deadline = time.time() + DEAD_WAIT
        while True:
            b.open("/console/deliveries")
            dead = int(b.text("span#dead-count") or 0)
            if dead >= 1 or time.time() > deadline:
                break
            time.sleep(1)
        check(dead >= 1, "no dead delivery within %.0f s (pending %s; the deliveries are step 4's pardon)"
              % (DEAD_WAIT, b.text("span#pending-count")))
        check(b.all("table#dead tr.dead"), "span#dead-count is %d but table#dead has no tr.dead" % dead)
        check(b.all("button#retry-all"), "no button#retry-all for an admin")
        retry = b.all("table#dead tr.dead button.retry")
        check(retry, "the dead delivery has no button.retry for an admin")
        b.click_and_wait(retry[0])
        flash = b.one("p#flash")
        check(flash.is_displayed() and flash.text.strip(), "p#flash is empty or hidden")
        b.shoot("deliveries.png")

    # 8
    def csrf(self):
        b = self.admin
        cookie = b.cookie()
        fields = {"group": MUTED_GROUP, "user": MUTED_MEMBER}
        status, _, text = http("POST", self.base + "/console/pardon", fields=fields, cookie=cookie)
        check(status == 403, "a pardon without csrf answered %d: %s" % (status, short(text)))
        status, _, text = http("POST", self.base + "/console/pardon", fields=dict(fields, csrf="0" * 64), cookie=cookie)
        check(status == 403, "a pardon with a wrong csrf answered %d: %s" % (status, short(text)))

    # 9
    def viewer(self):
        b = self.browser()
        b.sign_in(VIEWER[2])
        check(b.path() == "/console", "signing in as li led to %s%s" % (b.driver.current_url, b.page_note()))
        check("li (viewer)" in b.text("header"), "the header says %r" % short(b.text("header")))
        self.mute_search(b)
        check(self.muted_row(b.action_rows()) is not None, "li does not see the mute of %s" % MUTED_MEMBER)
        check(not b.all("button.pardon"), "li (viewer) is offered %d Pardon buttons" % len(b.all("button.pardon")))
        csrf = b.one("input[type=hidden][name=csrf]").get_attribute("value")
        check(csrf, "li's page carries no csrf value")
        status, _, text = http("POST", self.base + "/console/pardon",
                               fields={"csrf": csrf, "group": MUTED_GROUP, "user": MUTED_MEMBER}, cookie=b.cookie())
        check(status == 403, "a viewer's pardon answered %d: %s" % (status, short(text)))

    # 10
    def chinese_phone(self):
        b = self.browser(chinese=True)
        b.sign_in(ADMIN[2])
        check(b.path() == "/console", "signing in (Chinese) led to %s%s" % (b.driver.current_url, b.page_note()))
        nav = b.text("header nav")
        check("总览" in nav, "the navigation says %r" % nav)
        viewport = b.all("meta[name=viewport]")
        check(viewport and "width=device-width" in (viewport[0].get_attribute("content") or ""),
              "no viewport meta tag with width=device-width")
        b.driver.set_window_size(390, 844)
        b.driver.refresh()
        b.shoot("overview-phone-zh.png", full_page=False)

    # 11
    def shadow(self):
        b = self.admin
        b.open("/console/shadow")
        b.one("table#shadow")
        b.shoot("shadow.png")


STEPS = [
    ("wrong token refused", "wrong_token"),
    ("sign in as admin: overview", "overview"),
    ("find why a member was muted", "why_muted"),
    ("pardon them", "pardon"),
    ("group page", "group_page"),
    ("try a message", "try_rule"),
    ("retry a dead delivery", "deliveries"),
    ("a form without its CSRF token is refused", "csrf"),
    ("a viewer cannot pardon", "viewer"),
    ("Chinese and phone", "chinese_phone"),
    ("shadow page renders", "shadow"),
]


# ---------------------------------------------------------------------------


def where(error):
    """The lines of this file an exception went through, innermost last."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == __file__]
    return "  at " + " <- ".join("%s:%d %s" % (f.name, f.lineno, f.line) for f in reversed(frames))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(REPO / ".build" / "debug" / "groupbot"), help="the groupbot to test")
    parser.add_argument("--screenshots", default=str(REPO / ".build" / "console-screenshots"),
                        help="where the screenshots go (created)")
    parser.add_argument("--update-docs", action="store_true",
                        help="copy overview.png and audit.png to docs/images/console-*.png")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (config, state, log)")
    args = parser.parse_args()
    args.binary = Path(args.binary).absolute()
    args.screenshots = Path(args.screenshots).resolve()

    if webdriver is None:
        say("selenium is not installed: sh Tests/console/setup.sh")
        say("console browser: could not run")
        return 1
    args.screenshots.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="groupbot-console-"))
    serve = Serve(args.binary, tmp)
    today = datetime.datetime.now(SHANGHAI).date()
    run = Run(args, serve, today)

    def cleanup():
        for b in run.browsers:
            b.quit()
        if serve.proc is not None:
            terminate(serve.proc, timeout=10)
        kill_children()

    def on_timeout():
        say("FAIL: hard time limit of %.0f s reached; stopping everything" % RUN_LIMIT)
        _thread.interrupt_main()
        time.sleep(20)
        cleanup()
        say("console browser: timed out")
        os._exit(1)

    watchdog = start_watchdog(RUN_LIMIT, on_timeout)
    sigterm_as_interrupt()
    started = time.time()
    failed = []
    passed = []
    try:
        say("console browser: binary %s, today %s (UTC+08:00), screenshots %s" % (args.binary, today, args.screenshots))
        setup_error = None
        try:
            serve.start("serve (feeding)")
            events = demo_events(today)
            serve.feed(events)
            if not serve.stop():
                raise RunFailed("serve did not stop cleanly on SIGTERM (status %s); log %s:\n%s"
                                % (serve.proc.returncode, serve.log, log_tail(serve.log, 15)))
            serve.start("serve (browsing)")
            say("serve on :%d with %d demo events (%s .. %s), callback to closed port %d"
                % (serve.port, len(events), events[0]["ts"][:10], events[-1]["ts"][:10], serve.callback_port))
        except RunFailed as error:
            setup_error = str(error)
            say("FAIL: %s" % error)

        for number, (title, method) in enumerate(STEPS, 1):
            name = "%d. %s" % (number, title)
            if setup_error is not None:
                failed.append(name)
                say("✘ %s: not run (serve could not be prepared)" % name)
                continue
            try:
                getattr(run, method)()
                passed.append(name)
                say("✔ %s" % name)
            except Failed as failure:
                failed.append(name)
                say("✘ %s: %s" % (name, failure))
            except WebDriverException as error:
                failed.append(name)
                say("✘ %s: browser: %s" % (name, short(error.msg or error, 300)))
                say(where(error))
            except Exception as error:  # a broken step should not hide the others
                failed.append(name)
                say("✘ %s: %s: %s" % (name, type(error).__name__, short(error, 300)))
                say(where(error))

        if args.update_docs and setup_error is None:
            images = REPO / "docs" / "images"
            images.mkdir(parents=True, exist_ok=True)
            for shot, doc in (("overview.png", "console-overview.png"), ("audit.png", "console-audit.png")):
                if shot in run.screenshots:
                    shutil.copyfile(str(args.screenshots / shot), str(images / doc))
                    say("updated %s" % (images / doc).relative_to(REPO))
                else:
                    say("not updated: %s (no %s in this run)" % ((images / doc).relative_to(REPO), shot))
    except KeyboardInterrupt as error:
        say("interrupted (%s)" % (error or "Ctrl-C"))
        failed = [name for name in ("%d. %s" % (n, t) for n, (t, _) in enumerate(STEPS, 1)) if name not in passed]
    finally:
        watchdog.cancel()
        cleanup()
        if failed and serve.log.exists():
            say("serve log (last lines):\n%s" % log_tail(serve.log, 12))
        remove_tmp(tmp, args.keep, say)

    say("%d steps in %.0f s" % (len(STEPS), time.time() - started))
    if failed:
        say("console browser: %d of %d failed" % (len(failed), len(STEPS)))
        return 1
    say("console browser: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
