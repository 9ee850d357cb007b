"""FlowPulse in its own process, driven over real HTTP like a browser would."""

import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.browser import csrf_token_in
from tests.mailbox import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class LiveServer:
    """``flask run`` in a subprocess with the given FLOWPULSE_ settings."""

    def __init__(self, database_url: str, **settings):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLOWPULSE_")}
        env.update(
            DATABASE_URL=database_url,
            FLOWPULSE_SECRET_KEY="live-server-secret",
            FLOWPULSE_SESSION_COOKIE_SECURE="false",
            FLOWPULSE_BASE_URL=self.url,
        )
        env.update({f"FLOWPULSE_{key}": str(value) for key, value in settings.items()})
        self._process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(self.port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait_until_up(self, seconds: float = 20) -> "LiveServer":
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)  # noqa: S310 (loopback)
                return self
            except OSError:
                if self._process.poll() is not None:
                    raise RuntimeError(self._process.stderr.read().decode()) from None
                time.sleep(0.1)
        raise TimeoutError(f"FlowPulse did not start on {self.url}")

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see the 303 itself


class HttpBrowser:
    """A cookie-keeping HTTP client that fills in forms with their CSRF token."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None):
        """Return ``(status, headers, body)``; errors are answers, not exceptions."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self._opener.open(self.base_url + path, body, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def submit(self, path: str, data: dict):
        _, _, page = self.request(path)
        return self.request(path, {**data, "csrf_token": csrf_token_in(page)})
