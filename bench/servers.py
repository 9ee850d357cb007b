"""gunicorn in a subprocess, serving FlowPulse or the stock app on loopback.

Both apps run under the repository's own ``gunicorn.conf.py``; only the
environment overrides it (``FLOWPULSE_BIND``, ``FLOWPULSE_WORKERS``,
``FLOWPULSE_THREADS``), plus ``--max-requests 0`` on the command line when a
measurement needs workers that are never recycled (command-line settings win
over the config file).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.settings import PROJECT_ROOT, SECRET_KEY

#: WSGI apps by name: FlowPulse itself, and the stock Flask-Login baseline.
APPS = {"flowpulse": "app:app", "stock": "bench.stock_app:app"}

#: A page each app answers without signing in, polled until the server is up.
READY_PATHS = {"flowpulse": "/healthz", "stock": "/login"}

#: Seconds to wait for gunicorn to answer, and to exit once told to.
START_TIMEOUT = 30
STOP_TIMEOUT = 30


def server_env(database_url: str, **settings: object) -> dict[str, str]:
    """Return a clean environment for FlowPulse processes on ``database_url``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FLOWPULSE_") and key != "DATABASE_URL"
    }
    env.update(
        DATABASE_URL=database_url,
        FLOWPULSE_SECRET_KEY=SECRET_KEY,
        FLOWPULSE_SESSION_COOKIE_SECURE="false",  # plain http on loopback
        FLOWPULSE_LOG_LEVEL="warning",
    )
    env.update({f"FLOWPULSE_{key}": str(value) for key, value in settings.items()})
    return env


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """One gunicorn master and its workers; a context manager that always stops it."""

    def __init__(
        self,
        app: str,
        database_url: str,
        log_folder: Path,
        *,
        workers: int | None = None,
        threads: int | None = None,
        max_requests: int | None = None,
        **settings: object,
    ):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_folder / f"gunicorn-{app}-{self.port}.log"
        #: gunicorn.conf.py's own defaults: two workers per core, four threads.
        self.workers = workers or (os.cpu_count() or 1) * 2
        self.threads = threads or 4
        overrides = {"BIND": f"127.0.0.1:{self.port}", **settings}
        overrides.update(WORKERS=self.workers, THREADS=self.threads)
        self._env = server_env(database_url, **overrides)
        self._command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", APPS[app]]
        if max_requests is not None:
            self._command += ["--max-requests", str(max_requests)]
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "GunicornServer":
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                self._command,
                cwd=PROJECT_ROOT,
                env=self._env,
                stdout=subprocess.DEVNULL,  # the access log: one line per request
                stderr=log,
            )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        """The gunicorn master's process id."""
        assert self._process is not None
        return self._process.pid

    def worker_pids(self) -> list[int]:
        """Return the ids of the master's live worker processes."""
        workers = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # the process ended while we looked
            # Field 4 of /proc/<pid>/stat, after the parenthesised command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                workers.append(int(entry.name))
        return sorted(workers)

    def stop(self) -> None:
        """Stop gunicorn gracefully; kill it if it does not exit in time."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=STOP_TIMEOUT)

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        ready = self.url + READY_PATHS[self.app]
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_path.read_text()}")
            # The first worker may answer while the master still forks the others.
            if len(self.worker_pids()) == self.workers:
                try:
                    with urllib.request.urlopen(ready, timeout=2):  # noqa: S310 (loopback)
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not answer on {ready} within {START_TIMEOUT} s")
