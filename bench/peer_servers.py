"""The HTTP servers of row 8: FlowPulse and the Flask-Security-Too peer, each as a process tree.

Every server is started from a command line and measured by what the
kernel charged it: the CPU time of its main process and of every worker
(``/proc/<pid>/stat``), workers already recycled included (their time is in
the main process's ``cutime``/``cstime`` once reaped).
"""

import os
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import free_port

#: Seconds to wait for a server to answer, and to exit once told to.
START_TIMEOUT = 60
STOP_TIMEOUT = 30

#: Clock ticks per second, the unit of /proc/<pid>/stat's CPU times.
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class ServerProcess:
    """A server's command, environment and folder; a context manager that always stops it."""

    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    ready_path: str
    workers: int
    log_folder: Path
    port: int = field(default_factory=free_port)
    _process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ServerProcess":
        log_path = self.log_folder / f"{self.name.replace(' ', '-')}-{self.port}.log"
        with log_path.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 (our own interpreters and arguments)
                [part.replace("{port}", str(self.port)) for part in self.command],
                cwd=self.cwd,
                env=self.env,
                stdout=subprocess.DEVNULL,  # access logs: one line per request
                stderr=log,
            )
        try:
            self._wait_until_up(log_path)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server and its workers have used so far."""
        assert self._process is not None
        total = 0
        for pid, fields in _processes():
            if pid == self._process.pid:
                total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
            elif int(fields[1]) == self._process.pid:
                total += int(fields[11]) + int(fields[12])
        return total / TICKS

    def worker_count(self) -> int:
        assert self._process is not None
        return sum(int(fields[1]) == self._process.pid for _, fields in _processes())

    def stop(self) -> None:
        """Stop the server gracefully; kill it if it does not exit in time."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=STOP_TIMEOUT)

    def _wait_until_up(self, log_path: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{log_path.read_text()[-3000:]}")
            if self.worker_count() >= self.workers:
                try:
                    with urllib.request.urlopen(self.url + self.ready_path, timeout=2):  # noqa: S310
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not answer within {START_TIMEOUT} s")


def _processes():
    """Yield ``(pid, fields)`` of every process, fields after the command name."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # Fields after ")": state, ppid, …; utime is field 14 of the file, index 11 here.
        yield int(entry.name), stat.rsplit(")", 1)[1].split()
