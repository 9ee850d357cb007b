"""Browser tests: Debian's Chromium through Playwright, against FlowPulse in a subprocess.

One Chromium for the whole run; every test opens its own contexts (its own
cookies), so tests never share a sign-in. The server is ``flask run`` with
its in-process mail worker delivering to the test SMTP server, on
``http://localhost:PORT``; each context comes from its own client IP (one
trusted proxy hop and an ``X-Forwarded-For`` of its own), so rate limits
count per test as they would per person.
"""

import itertools
import json
from collections.abc import Iterator

import pytest

from flowpulse.core.database import db
from flowpulse.core.migrations import apply_pending
from flowpulse.services.signup import register_user
from tests.browser import STRONG_PASSWORD
from tests.conftest import ENGINES, TEST_DATABASE_URL, make_app
from tests.e2e import support
from tests.e2e.visitor import Visitor
from tests.live_server import LiveServer
from tests.oauth_servers.github import GitHubServer
from tests.pg_schema import private_schema

#: Where this machine cannot run them, the browser tests are not collected:
#: test_browser_support.py alone reports it, as one skip line.
collect_ignore = (
    [
        "test_journeys.py",
        "test_accessibility.py",
        "test_enhancements.py",
        "test_two_factor_journeys.py",
        "test_social_journeys.py",
        "test_passkeys.py",
    ]
    if support.missing()
    else []
)

#: Widths every journey and page is tried at.
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}

#: User agents the devices page names: "Chrome on Linux", "Chrome on Android".
USER_AGENTS = {
    "desktop": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/156.0.0.0 Safari/537.36"
    ),
    "phone": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/156.0.0.0 Mobile Safari/537.36"
    ),
}

#: Documentation addresses (RFC 5737), one per browser context.
_client_ips = (f"203.0.{113 + n // 250}.{n % 250 + 1}" for n in itertools.count())
_addresses = itertools.count(1)


@pytest.fixture(scope="session")
def playwright_browser():
    """One headless Chromium for the whole run (skips in one line where it is missing)."""
    reason = support.missing()
    if reason:
        pytest.skip(f"{support.SKIP_PREFIX}: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(support.CHROMIUM), args=support.LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def github() -> Iterator[GitHubServer]:
    """The GitHub stand-in for the whole run: every site offers "Continue with GitHub"."""
    with GitHubServer() as server:
        yield server


def provider_settings(server: GitHubServer) -> str:
    """``OAUTH_PROVIDERS`` (as JSON): the github preset pointed at the stand-in, and an
    OpenID Connect provider that never answers (its page says so; two providers on a page)."""
    urls = ("authorize_url", "token_url", "api_base_url")
    github = {"client_id": server.client_id, "client_secret": server.client_secret}
    github.update({url: getattr(server, url) for url in urls})
    silent = {"name": "Acme ID", "client_id": "acme", "client_secret": "acme-secret"}
    # Port 9 (discard): below the ephemeral range, so no server of this run can be there.
    silent["issuer"] = "http://127.0.0.1:9/oidc"
    return json.dumps({"github": github, "acme": silent})


class Site:
    """FlowPulse served in a subprocess, with a handle on its database for making accounts."""

    #: The server's own key: what this process encrypts (a second factor's secret), it reads.
    SECRET_KEY = "live-server-secret"

    def __init__(self, database_url: str, smtp_server, tmp_path, github: GitHubServer):
        self.database_url = database_url
        self.mailbox = smtp_server.mailbox
        self.github = github
        self.app = make_app(database_url, SECRET_KEY=self.SECRET_KEY)
        with self.app.app_context():
            apply_pending()
            db.close()
        self.server = LiveServer(
            database_url,
            host="localhost",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp_server.port,
            TASK_QUEUE_URL=f"sqlite:///{tmp_path / 'tasks.db'}",
            PROXY_FIX_X_FOR=1,
            SECRET_KEY=self.SECRET_KEY,
            OAUTH_PROVIDERS=provider_settings(github),
        ).wait_until_up()
        self.url = self.server.url

    def make_user(self, email, *, name="Ada Lovelace", password=STRONG_PASSWORD, verified=True):
        with self.app.app_context():
            try:
                return register_user(name, email, password, verified=verified)
            finally:
                db.close()

    def stop(self):
        self.server.stop()
        with self.app.app_context():
            db.close()
            if hasattr(db.obj, "close_all"):
                db.obj.close_all()


@pytest.fixture(scope="session", params=ENGINES)
def site(request, playwright_browser, smtp_server, github, tmp_path_factory) -> Iterator[Site]:
    """FlowPulse on one engine for the whole run: SQLite, then PostgreSQL when configured."""
    tmp = tmp_path_factory.mktemp(f"site-{request.param}")
    if request.param == "sqlite":
        running = Site(f"sqlite:///{tmp / 'flowpulse.db'}", smtp_server, tmp, github)
        yield running
        running.stop()
        return
    with private_schema(TEST_DATABASE_URL) as url:
        running = Site(url, smtp_server, tmp, github)
        yield running
        running.stop()


@pytest.fixture
def address():
    """A fresh email address for each call: tests never meet each other's mail."""
    return lambda name="ada": f"{name}.{next(_addresses)}@example.org"


@pytest.fixture
def open_visitor(playwright_browser, site):
    """Open a new browser context (its own cookies and IP) and return a Visitor on it."""
    contexts = []

    def open_one(width="desktop", *, javascript=True, color_scheme="light", axe=False) -> Visitor:
        context = playwright_browser.new_context(
            **VIEWPORTS[width],
            user_agent=USER_AGENTS[width],
            java_script_enabled=javascript,
            color_scheme=color_scheme,
            extra_http_headers={"X-Forwarded-For": next(_client_ips)},
            locale="en-GB",
            timezone_id="UTC",
        )
        context.set_default_timeout(10_000)
        if axe:
            # Injected by the browser before the page's own scripts, past the CSP.
            context.add_init_script(path=str(support.AXE_SCRIPT))
        contexts.append(context)
        visitor = Visitor(context.new_page(), site)
        visitor.opener = open_one  # for a journey that needs a second device
        return visitor

    yield open_one
    for context in contexts:
        context.close()


@pytest.fixture(params=list(VIEWPORTS))
def width(request) -> str:
    """Each journey at desktop width (1280 px) and phone width (390 px)."""
    return request.param


@pytest.fixture(scope="session")
def studio(site, tmp_path_factory):
    """``flask db studio`` on the site's database (read-only, loopback)."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.live_server import PROJECT_ROOT
    from tests.mailbox import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOWPULSE_")}
    env.update(DATABASE_URL=site.database_url, FLOWPULSE_SECRET_KEY="studio-secret")
    log = tmp_path_factory.mktemp("studio") / "studio.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "db", "studio", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
