"""Attacks on how FlowPulse is served: its access log, the client address behind a proxy,
and where its settings come from.

Findings 13 and 14 of the outside review, and issue #31's "Medium 3". The access log
is the server's, read from a real Granian and a real gunicorn (one worker each)
writing it to a file; the client address is read behind a real loopback proxy;
the settings are read by ``create_app()`` (and by the ``flask`` command) in a
subprocess started in a folder of our choosing.
"""

import os
import re
import subprocess
import sys
from secrets import token_urlsafe
from urllib.parse import quote

import pytest

from flowpulse.serving import SERVERS
from flowpulse.web.ratelimit import LOGIN_PER_IP
from tests.browser import STRONG_PASSWORD
from tests.forwarding_proxy import ForwardingProxy
from tests.helpers import recorded_ips, wait_until
from tests.live_server import HttpBrowser, LiveServer

#: A line an attacker would like the access log to show, as the format writes it.
FORGED_LINE = '203.0.113.66 "GET /admin/export" 200 51234 3ms'
#: What ``create_app()`` uses when nothing is configured.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def access_log_of(database_url, tmp_path, server: str, paths: list[str]) -> tuple[list, str]:
    """Serve with ``server``, request each path; return the statuses and the whole access log."""
    access_log = tmp_path / "access.log"
    server = LiveServer(database_url, server=server, WORKERS=1, ACCESS_LOG=access_log)
    try:
        client = HttpBrowser(server.wait_until_up().url)
        statuses = [client.request(path)[0] for path in paths]
        # A line is written just after its response is sent: wait for the last.
        wait_until(lambda: len(logged_requests(access_log)) >= len(paths))
    finally:
        server.stop()
    return statuses, access_log.read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize("server", SERVERS)
def test_a_newline_in_a_requested_path_cannot_forge_an_access_log_line(
    app, database_url, tmp_path, server
):
    """``%0a`` in a path is decoded to a newline before gunicorn logs the path; what
    follows it must not become a line of its own that reads like a real request."""
    paths = [f"/search{newline}{quote(FORGED_LINE)}" for newline in ("%0a", "%0d%0a", "%0d")]

    statuses, log = access_log_of(database_url, tmp_path, server, paths)

    assert all(status < 500 for status in statuses), statuses
    lines = re.split(r"[\r\n]", log)
    forged = [line for line in lines if line.startswith("203.0.113.66")]
    assert not forged, f"the access log holds forged lines: {forged}"
    logged = [line for line in lines if "/search" in line]
    assert len(logged) == len(paths), logged
    for line in logged:
        assert re.search(r"\\n|\\r|\\x0[ad]|%0[ad]", line, re.I), f"not escaped: {line!r}"


@pytest.mark.parametrize("server", SERVERS)
def test_a_token_path_with_a_double_slash_is_logged_with_its_token_masked(
    app, database_url, tmp_path, server
):
    """``//auth/reset-password/<token>`` is routed like the single-slash path; the
    access log must mask its token too, or whoever reads the logs can use the link."""
    selector, verifier = token_urlsafe(16), token_urlsafe(32)
    paths = [
        f"//auth/reset-password/{selector}.{verifier}",
        f"//verify/email/{selector}.{verifier}",
    ]

    statuses, log = access_log_of(database_url, tmp_path, server, paths)

    assert all(status < 500 for status in statuses), statuses
    assert selector not in log and verifier not in log, "the access log shows the token"
    logged = [line for line in log.splitlines() if "reset-password" in line or "verify/" in line]
    assert len(logged) == len(paths), logged
    assert all("[token]" in line for line in logged), logged


@pytest.mark.parametrize("server", SERVERS)
def test_an_underscore_header_cannot_replace_the_address_the_proxy_forwards(
    app, database_url, make_user, server
):
    """Granian gives ``X_Forwarded_For`` and ``X-Forwarded-For`` one WSGI key, the later
    winning, and a proxy that writes headers sorted by name (Caddy, Traefik) forwards the
    client's underscore spelling after its own: then every per-IP limit and every recorded
    address would be the client's choice. Both must follow the proxy's value."""
    make_user("ada@example.com")
    live = LiveServer(database_url, server=server, WORKERS=1, PROXY_FIX_X_FOR=1)
    proxy = ForwardingProxy(live.wait_until_up(60).port)

    def spoofing(number: int) -> HttpBrowser:
        return HttpBrowser(proxy.url, headers={"X_Forwarded_For": f"198.51.100.{number}"})

    allowed = int(LOGIN_PER_IP.split()[0])
    try:
        form = {"email": "ada@example.com", "password": STRONG_PASSWORD}
        signed_in, _, _ = spoofing(0).submit("/auth/login", form)
        # Wrong passwords for addresses of their own: only the per-IP limit can stop them.
        guesses = [
            spoofing(n).submit("/auth/login", {"email": f"guess{n}@ex.com", "password": "x"})[0]
            for n in range(1, allowed + 2)
        ]
    finally:
        proxy.close()
        live.stop()
    assert signed_in == 303
    assert guesses == [422] * allowed + [429], "the client chose its rate-limit bucket"
    assert recorded_ips(app) == ["127.0.0.1"], "the client chose the recorded address"


def logged_requests(access_log) -> list[bytes]:
    """The access log's lines but those of the server's start-up health checks."""
    if not access_log.exists():
        return []
    return [line for line in access_log.read_bytes().splitlines() if b"/healthz" not in line]


#: Two ways to start the app: the factory itself (gunicorn's ``app:app``), and
#: the ``flask`` command operators run (``flask run``, ``flask users ...``).
ENTRY_POINTS = ["create_app", "flask-command"]
SHOW_SETTINGS = "print('SETTINGS', c['BASE_URL'], c['AUTH_REQUIRE_EMAIL_VERIFICATION'])"


def settings_seen_from(folder, tmp_path, entry_point: str) -> tuple[str, str]:
    """Start the app in ``folder`` with no FLOWPULSE_ setting in its environment;
    return its BASE_URL and AUTH_REQUIRE_EMAIL_VERIFICATION."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLOWPULSE_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'dotenv.db'}"
    if entry_point == "create_app":
        command = [
            "-c",
            f"from flowpulse import create_app; c = create_app().config; {SHOW_SETTINGS}",
        ]
        stdin = ""
    else:
        command = ["-m", "flask", "--app", "flowpulse:create_app", "shell"]
        stdin = f"c = app.config; {SHOW_SETTINGS}\n"
    result = subprocess.run(  # a fresh process: .env is read at startup
        [sys.executable, *command],
        cwd=folder,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [shown] = re.findall(r"SETTINGS (\S+) (\S+)", result.stdout)
    return shown


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_a_dotenv_file_in_a_parent_of_the_working_directory_is_not_read(tmp_path, entry_point):
    """Whoever can write a ``.env`` in any folder above the one the app starts in
    (a shared home or /srv) must not get to set its links' origin or turn off
    email verification."""
    (tmp_path / ".env").write_text(
        "FLOWPULSE_BASE_URL=https://evil.example\nFLOWPULSE_AUTH_REQUIRE_EMAIL_VERIFICATION=false\n"
    )
    working_directory = tmp_path / "site" / "current"
    working_directory.mkdir(parents=True)

    base_url, verification = settings_seen_from(working_directory, tmp_path, entry_point)

    assert base_url == DEFAULT_BASE_URL, f"a parent folder's .env set BASE_URL to {base_url}"
    assert verification == "True"


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_a_dotenv_file_in_the_working_directory_itself_is_still_read(tmp_path, entry_point):
    """The documented place for ``.env`` keeps working (this passes today and must stay so)."""
    working_directory = tmp_path / "site"
    working_directory.mkdir()
    (working_directory / ".env").write_text("FLOWPULSE_BASE_URL=https://accounts.example.org\n")

    base_url, verification = settings_seen_from(working_directory, tmp_path, entry_point)

    assert base_url == "https://accounts.example.org"
    assert verification == "True"
