"""``make serve``'s production properties, for Granian (the default) and gunicorn alike.

Each test starts the real server (``python -m flowpulse.serving``) in a
subprocess and talks to it over real HTTP and real signals: what the access
log keeps, which forwarded headers count, recycling, restarts, shutdowns and
dead workers.
"""

import http.client
import re
import signal
import threading
import time

import pytest

from flowpulse.serving import SERVERS
from tests.browser import STRONG_PASSWORD
from tests.helpers import recorded_ips, wait_until
from tests.live_server import HttpBrowser, LiveServer

pytestmark = pytest.mark.parametrize("server", SERVERS)

#: Settings of every server here: quiet limits, two workers.
COMMON = {"RATELIMIT_ENABLED": "false", "WORKERS": 2}

#: What each worker logs once it has loaded the app (its mail threads started).
LOADED = re.compile(r"mail worker: \d thread\(s\) in process (\d+)")


def all_loaded(live: LiveServer) -> bool:
    """Whether every live worker has loaded the app, not merely been forked.

    A worker told to stop while it still imports the app misses the signal
    (Granian's handler is not installed yet) and is killed only after the
    30 s kill timeout, so the tests wait for this before they stop a server.
    """
    workers = live.worker_pids()
    loaded = {int(pid) for pid in LOADED.findall(live.log_text())}
    return len(workers) == COMMON["WORKERS"] and workers <= loaded


def serve(database_url: str, server: str, **settings) -> LiveServer:
    """Start ``server`` and wait until every worker is up (the first answers before the last)."""
    live = LiveServer(database_url, server=server, **{**COMMON, **settings}).wait_until_up(60)
    wait_until(lambda: all_loaded(live), timeout=60)
    return live


def sign_in(browser: HttpBrowser, email: str = "ada@example.com") -> int:
    status, _, _ = browser.submit("/auth/login", {"email": email, "password": STRONG_PASSWORD})
    return status


def test_the_access_log_never_holds_a_query_string(app, database_url, tmp_path, server):
    access_log = tmp_path / "access.log"
    live = serve(database_url, server, ACCESS_LOG=access_log)
    try:
        status, _, _ = HttpBrowser(live.url).request("/auth/login?next=/profile&secret=s3cr3t")
        wait_until(lambda: b"/auth/login" in access_log.read_bytes())
    finally:
        live.stop()
    assert status == 200
    [line] = [line for line in access_log.read_text().splitlines() if "/auth/login" in line]
    assert "s3cr3t" not in line and "?" not in line, line
    assert '"GET /auth/login" 200' in line


@pytest.mark.parametrize("hops", [0, 1])
def test_forwarded_headers_count_only_across_the_trusted_hops(
    app, database_url, make_user, server, hops
):
    make_user("ada@example.com")
    live = serve(database_url, server, PROXY_FIX_X_FOR=hops)
    forged = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https"}
    try:
        browser = HttpBrowser(live.url, headers=forged)
        assert sign_in(browser) == 303
        _, headers, _ = browser.request("/auth/login")
    finally:
        live.stop()
    # One proxy appends the address it saw: that last entry is the client.
    assert recorded_ips(app) == (["203.0.113.9"] if hops else ["127.0.0.1"])
    # HSTS answers only a request the trusted proxy says arrived over https.
    assert ("Strict-Transport-Security" in headers) == bool(hops)


def test_a_process_variable_named_like_a_header_is_no_header(
    app, database_url, make_user, server, monkeypatch
):
    # Granian copies the process environment into each request's environ; a
    # variable shaped like X-Forwarded-For must not pass for the client's header.
    monkeypatch.setenv("HTTP_X_FORWARDED_FOR", "192.0.2.66")
    make_user("ada@example.com")
    live = serve(database_url, server, PROXY_FIX_X_FOR=1)
    try:
        assert sign_in(HttpBrowser(live.url)) == 303
    finally:
        live.stop()
    assert recorded_ips(app) == ["127.0.0.1"]


def hammer(url: str, stop: threading.Event, statuses: list, errors: list, pause: float = 0) -> None:
    """GET the landing page on fresh connections until ``stop`` is set.

    ``pause`` seconds pass between connecting and sending the request: a client
    slowed down, as every client is now and then on a loaded machine.
    """
    host, port = url.removeprefix("http://").split(":")
    while not stop.is_set():
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            connection.connect()
            time.sleep(pause)
            connection.request("GET", "/")
            statuses.append(connection.getresponse().status)
        except OSError as exc:
            errors.append(exc)
        finally:
            connection.close()


#: How long a slow client waits between connecting and sending its request.
SLOW_CLIENT_PAUSE = 0.2


def under_load(live: LiveServer, action, seconds: float = 2.0, slow_clients: int = 0):
    """Run ``action`` while four clients (and ``slow_clients`` more) load the server.

    Return the statuses and the errors (exceptions) the clients saw.
    """
    stop, statuses, errors = threading.Event(), [], []
    pauses = [0] * 4 + [SLOW_CLIENT_PAUSE] * slow_clients
    clients = [
        threading.Thread(target=hammer, args=(live.url, stop, statuses, errors, pause))
        for pause in pauses
    ]
    for client in clients:
        client.start()
    try:
        time.sleep(0.5)
        action()
        time.sleep(seconds)
    finally:
        stop.set()
        for client in clients:
            client.join(60)
    return statuses, errors


def test_a_graceful_restart_replaces_every_worker_without_a_failed_request(
    app, database_url, server
):
    live = serve(database_url, server)
    try:
        before = live.worker_pids()
        restarted = lambda: not (live.worker_pids() & before) and all_loaded(live)  # noqa: E731
        statuses, errors = under_load(live, lambda: live.signal(signal.SIGHUP), seconds=1)
        wait_until(restarted, timeout=60)
        statuses_after, errors_after = under_load(live, lambda: None, seconds=1)
    finally:
        live.stop()
    assert statuses and set(statuses) == {200}, set(statuses)
    assert errors == errors_after == [], errors[:3]
    assert set(statuses_after) == {200}


def test_a_request_arriving_when_the_server_is_told_to_stop_is_answered(app, database_url, server):
    live = serve(database_url, server)
    body = "email=ada%40example.com&password=x"
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=30)
    try:
        connection.putrequest("POST", "/auth/login")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body[:10].encode())
        time.sleep(0.5)  # the server holds half a request
        live.signal(signal.SIGTERM)
        time.sleep(0.5)
        connection.send(body[10:].encode())
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
        live.stop()
    assert response.status == 400  # answered by the app: a form without its CSRF token
    assert live.returncode() == 0


def test_a_dead_worker_is_replaced(app, database_url, server):
    live = serve(database_url, server)
    try:
        workers = live.worker_pids()
        victim = min(workers)
        live.signal(signal.SIGKILL, pid=victim)
        wait_until(lambda: victim not in live.worker_pids() and all_loaded(live))
        statuses = [HttpBrowser(live.url).request("/")[0] for _ in range(10)]
    finally:
        live.stop()
    assert statuses == [200] * 10


#: Recycling made quick: Granian's memory bound at 1 MiB (each worker is far
#: above it, so it is replaced at every sample), gunicorn's every 20 requests.
RECYCLE_NOW = {
    "granian": {"WORKER_MAX_RSS": 1, "WORKER_RSS_INTERVAL": 1},
    "gunicorn": {},
}


def test_workers_are_recycled_while_requests_keep_succeeding(
    app, database_url, server, monkeypatch
):
    if server == "gunicorn":  # command-line settings win over gunicorn.conf.py
        monkeypatch.setenv("GUNICORN_CMD_ARGS", "--max-requests 20 --max-requests-jitter 1")
    live = serve(database_url, server, **RECYCLE_NOW[server])
    try:
        first = live.worker_pids()
        recycled = lambda: not (live.worker_pids() & first) and all_loaded(live)  # noqa: E731
        # Slow clients too: what a loaded machine does to some clients, every run.
        recycling = lambda: wait_until(recycled, timeout=60)  # noqa: E731
        statuses, errors = under_load(live, recycling, seconds=0, slow_clients=4)
    finally:
        live.stop()
    assert statuses and set(statuses) == {200}, set(statuses)
    unexcused = [
        error for error in errors if not _unanswered_at_a_replaced_granian_worker(server, error)
    ]
    assert unexcused == [], unexcused[:3]


def _unanswered_at_a_replaced_granian_worker(server: str, error: Exception) -> bool:
    """What Granian's recycling may do (documented in the README): a worker being
    replaced closes, unanswered, the connections it holds on which no request has
    arrived yet: those still queued (unless ``net.ipv4.tcp_migrate_req`` is on) and
    those it has accepted already (whatever the setting).

    The client sees a reset either way: ``Connection reset by peer`` when its request
    had arrived, ``RemoteDisconnected`` (a ``ConnectionResetError`` too) when the close
    came first, as it does for a client slow to send (one on a loaded machine, and the
    slow clients here). Never a wrong or 5xx answer; gunicorn's recycling is excused nothing.
    """
    return server == "granian" and isinstance(error, ConnectionResetError)
