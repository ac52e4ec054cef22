"""Helpers shared by the end-to-end test scripts that run `groupbot serve` as a child
process (Tests/chaos/serve_chaos.py, Tests/live/onebot_live.py and its fake OneBot,
Tests/examples/wechat_bridge_contract.py).

The scripts are run from the repository's root (`python3 Tests/live/onebot_live.py`)
and find this module by their own path:

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
    import e2e

What is here:

- RunFailed: the exception of a test that could not be carried out;
- children: register_child() every process started, kill_children() on the way out;
- serve_env(): the environment for a child without the secrets groupbot reads;
- free_port(), http_get(), http_post(), read_body(): 127.0.0.1 networking;
- launch(), wait_healthy(), terminate(), log_tail(), run_groupbot(): running groupbot;
- wait_until(): polling; start_watchdog(), sigterm_as_interrupt(), remove_tmp(): a run's
  limits and its end;
- say(), Failed, check(): printing from several threads, and a step's expectations.

Only the Python 3 standard library is used, and only 127.0.0.1 addresses.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The secrets `groupbot serve` reads from its environment. A child gets only the ones
# its test sets (serve_env), never the developer's own.
SECRET_VARIABLES = ("GROUPBOT_WEBHOOK_SECRETS", "GROUPBOT_TOKEN", "GROUPBOT_CALLBACK_SECRET", "ONEBOT_SECRET",
                    "ONEBOT_ACCESS_TOKEN", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "GROUPBOT_CONSOLE_TOKENS")


class RunFailed(Exception):
    """The test could not be carried out (as opposed to a finding of the test)."""


# ---------------------------------------------------------------------------
# Child processes, killed on every way out.

_children = []
_children_lock = threading.Lock()


def register_child(proc):
    """Remembers `proc` (a subprocess.Popen) for kill_children()."""
    with _children_lock:
        _children.append(proc)


def kill_children():
    """SIGKILLs every registered child still running, then reaps them all (at most 10 s
    each). Safe to call more than once and from a watchdog thread."""
    with _children_lock:
        procs = list(_children)
    for proc in procs:
        if proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, OSError):
            pass


def serve_env(**settings):
    """This process's environment without SECRET_VARIABLES, plus `settings` (name=value)."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES}
    env.update(settings)
    return env


# ---------------------------------------------------------------------------
# 127.0.0.1 networking.


def free_port(rng=None):
    """A TCP port nothing listens on at 127.0.0.1 right now. Without `rng`, one the
    system assigns; with a random.Random, one drawn from 20000-31999 (reproducible with
    a seed, and below Linux's ephemeral range, where the ports of client sockets come
    from, so that no client takes it meanwhile). Raises RunFailed when 200 draws find
    none free."""
    if rng is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    for _ in range(200):
        port = rng.randrange(20000, 32000)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RunFailed("no free port found on 127.0.0.1")


def http_get(port, path, timeout=2.0):
    """GET http://127.0.0.1:<port><path> on a connection of its own: (status, the
    parsed JSON body when the status is 200, else the raw body). Raises OSError,
    http.client.HTTPException or ValueError when no usable answer came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if response.status == 200 else data)
    finally:
        conn.close()


def http_post(port, path, body, headers, timeout=10.0):
    """POST `body` (bytes) with `headers` to http://127.0.0.1:<port><path> on a
    connection of its own: (status, raw body). Raises OSError or
    http.client.HTTPException (IncompleteRead when the body is cut short) when no
    complete answer came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def read_body(handler):
    """The body of the request an http.server.BaseHTTPRequestHandler is handling:
    de-chunked with `Transfer-Encoding: chunked`, else Content-Length bytes (b"" with
    none)."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


# ---------------------------------------------------------------------------
# Running groupbot.


def launch(command, log_path, banner, env, cwd=REPO):
    """Starts `command` (e.g. `groupbot serve --config …`) in `cwd`, stdin closed, its
    stdout and stderr appended to `log_path` after a line `--- HH:MM:SS <banner>`.
    It runs under `setpriv --pdeathsig KILL` where there is one (a server that
    outlived a killed test would keep its port) and is registered for
    kill_children(). Returns the subprocess.Popen."""
    setpriv = shutil.which("setpriv")
    if setpriv:
        command = [setpriv, "--pdeathsig", "KILL", "--"] + list(command)
    with open(str(log_path), "ab") as log:
        log.write(("--- %s %s\n" % (time.strftime("%H:%M:%S"), banner)).encode())
        log.flush()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, cwd=str(cwd))
    register_child(proc)
    return proc


def wait_healthy(proc, port, limit=30.0, interval=0.05, deadline=None):
    """Polls `GET /healthz` of the server `proc` runs on `port` until it answers 200
    with status "ok". Returns None when it has; otherwise why not: "exited" (proc
    ended first; its returncode is set), "deadline" (time.time() passed `deadline`)
    or "limit" (no such answer within `limit` seconds). In the last two cases proc
    has been killed and reaped."""
    started = time.time()
    while True:
        if proc.poll() is not None:
            return "exited"
        try:
            status, health = http_get(port, "/healthz", timeout=1.0)
            if status == 200 and isinstance(health, dict) and health.get("status") == "ok":
                return None
        except (OSError, http.client.HTTPException, ValueError):
            pass
        why = ("deadline" if deadline is not None and time.time() > deadline
               else "limit" if time.time() - started > limit else None)
        if why is not None:
            proc.kill()
            proc.wait()
            return why
        time.sleep(interval)


def terminate(proc, timeout=15.0):
    """Stops `proc` with SIGTERM and waits up to `timeout` seconds for it; SIGKILLs and
    reaps it when it does not stop in time. Returns False in that case, True when it
    stopped on its own (or was not running)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return False
    return True


def log_tail(path, lines=20):
    """The last `lines` lines of a log file, indented four spaces ("" when unreadable)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("    " + line for line in text[-lines:])


def run_groupbot(binary, args, env, timeout=30):
    """Runs `<binary> <args…>` from the repository's root to its end: (exit status,
    stdout and stderr together as text). Raises OSError or subprocess.TimeoutExpired."""
    result = subprocess.run([str(binary)] + [str(a) for a in args], cwd=str(REPO), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return result.returncode, result.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# Waiting, and a run's limits.


def wait_until(predicate, timeout, interval=0.1):
    """Calls `predicate()` every `interval` seconds until it returns something true or
    `timeout` seconds have passed; returns its last value."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() >= deadline:
            return value
        time.sleep(interval)


def remove_tmp(path, keep=False, say=print):
    """Removes a run's temporary directory; with `keep`, leaves it and says where it is."""
    if keep:
        say("kept %s" % path)
    else:
        shutil.rmtree(str(path), ignore_errors=True)


def start_watchdog(seconds, on_timeout):
    """Calls `on_timeout()` from a daemon thread after `seconds` (a run's hard limit).
    Returns the started threading.Timer: cancel() it when the run ends in time."""
    watchdog = threading.Timer(seconds, on_timeout)
    watchdog.daemon = True
    watchdog.start()
    return watchdog


def sigterm_as_interrupt():
    """From now on SIGTERM raises KeyboardInterrupt("signal 15") in the main thread, so
    a script cleans up (its `finally`) as after Ctrl-C."""
    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)


_print_lock = threading.Lock()


def say(text):
    """Prints a line at once, whole, whichever thread writes it."""
    with _print_lock:
        print(text, flush=True)


class Failed(Exception):
    """An expectation of a step or a scenario was not met."""


def check(condition, message):
    if not condition:
        raise Failed(message)
