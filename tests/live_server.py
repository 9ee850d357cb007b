"""FlowPulse in its own process, driven over real HTTP like a browser would."""

import http.cookiejar
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.browser import csrf_token_in
from tests.mailbox import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def flowpulse_environment(database_url: str, base_url: str, queue_dir: str, **settings) -> dict:
    """The environment of a FlowPulse process: this database, ``settings`` as FLOWPULSE_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOWPULSE_")}
    env.update(
        DATABASE_URL=database_url,
        FLOWPULSE_SECRET_KEY="live-server-secret",
        FLOWPULSE_SESSION_COOKIE_SECURE="false",
        FLOWPULSE_BASE_URL=base_url,
        # A queue of its own: pending mail of another server never reaches this one.
        FLOWPULSE_TASK_QUEUE_URL=f"sqlite:///{queue_dir}/tasks.db",
    )
    env.update({f"FLOWPULSE_{key}": str(value) for key, value in settings.items()})
    return env


class LiveServer:
    """FlowPulse in a subprocess: ``flask run``, or ``make serve``'s server, FLOWPULSE_ settings."""

    def __init__(
        self,
        database_url: str,
        *,
        gunicorn: bool = False,
        server: str | None = None,
        host: str = "127.0.0.1",
        **settings,
    ):
        """Serve on 127.0.0.1; ``host`` names it in URLs and ``BASE_URL`` (``localhost``
        for browser tests: a secure context, as passkeys will need). ``server``
        (``granian`` or ``gunicorn``; ``gunicorn=True`` is short for the latter)
        serves as ``make serve`` does, through ``python -m flowpulse.serving``."""
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self._queue_dir = tempfile.TemporaryDirectory()
        server = server or ("gunicorn" if gunicorn else None)
        if server:
            settings["SERVER"] = server
            command = [sys.executable, "-m", "flowpulse.serving"]
        else:
            command = [sys.executable, "-m", "flask", "--app", "app", "run"]
            command += ["--host", "127.0.0.1", "--port", str(self.port)]
        env = flowpulse_environment(
            database_url, self.url, self._queue_dir.name, BIND=f"127.0.0.1:{self.port}", **settings
        )
        # A file, not a pipe: nobody reads while it runs, and a full pipe
        # would stall the server mid-test.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
        self._process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log
        )

    @property
    def pid(self) -> int:
        """The server's own process id (gunicorn's or Granian's main process)."""
        return self._process.pid

    def worker_pids(self) -> set[int]:
        """The ids of the server's live worker processes (its children)."""
        workers = set()
        for entry in Path("/proc").iterdir():
            try:
                stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
            except OSError:
                continue  # the process ended while we looked
            # Fields 3 and 4 of /proc/<pid>/stat (state, parent), after the command.
            state, parent = stat.rsplit(")", 1)[1].split()[:2] if stat else ("Z", 0)
            if int(parent) == self.pid and state != "Z":  # a zombie has died already
                workers.add(int(entry.name))
        return workers

    def signal(self, signum: int, pid: int | None = None) -> None:
        """Send ``signum`` to the server (or to one of its workers, by ``pid``)."""
        os.kill(pid or self.pid, signum)

    def returncode(self) -> int | None:
        """The server's exit status once it has exited, else None."""
        return self._process.poll()

    def wait_until_up(self, seconds: float = 20) -> "LiveServer":
        deadline = time.monotonic() + seconds
        health = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(health, timeout=1)
                return self
            except OSError:
                if self._process.poll() is not None:
                    raise RuntimeError(self.log_text()) from None
                time.sleep(0.1)
        raise TimeoutError(f"FlowPulse did not start on {self.url}")

    def log_text(self) -> str:
        """Return what the server wrote to stderr so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see the 303 itself


class HttpBrowser:
    """A cookie-keeping HTTP client that fills in forms with their CSRF token."""

    def __init__(self, base_url: str, headers: dict | None = None):
        self.base_url = base_url
        self.headers = headers or {}
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None):
        """Return ``(status, headers, body)``; errors are answers, not exceptions."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # S310: base_url is always http://127.0.0.1:<port> (a LiveServer's).
        request = urllib.request.Request(self.base_url + path, body, headers=self.headers)  # noqa: S310
        try:
            with self._opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def submit(self, path: str, data: dict):
        _, _, page = self.request(path)
        return self.request(path, {**data, "csrf_token": csrf_token_in(page)})


class WorkerProcess:
    """``flask worker`` in a subprocess: delivers mail, serves nothing."""

    def __init__(self, database_url: str, **settings):
        self._queue_dir = tempfile.TemporaryDirectory()
        env = flowpulse_environment(
            database_url, "http://localhost", self._queue_dir.name, **settings
        )
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "worker"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self) -> None:
        """End it at once (SIGKILL): no graceful shutdown, nothing recorded."""
        self._process.kill()
        self._process.wait(timeout=30)

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)
