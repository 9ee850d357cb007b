"""One load phase against a loopback URL: wrk when installed, else bench.loadclient.

Both print one ``BENCH_JSON`` line; this module runs the chosen tool in its
own process with a hard timeout and returns the numbers.
"""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlparse

from bench.settings import PROJECT_ROOT

#: Seconds a load process may overrun its own duration before it is killed.
OVERRUN = 30

#: wrk threads: one keeps most of the two cores for the server under test.
WRK_THREADS = 1

#: Seconds of the first slice of a request-counted wrk run (it measures the rate),
#: and the longest slice: each slice opens fresh connections, so the requests
#: spread over every gunicorn worker the way clients that come and go do.
FIRST_SLICE = 2
LONGEST_SLICE = 5


@dataclass
class LoadResult:
    """What one load phase measured."""

    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    non_2xx: int
    bytes: int

    @property
    def rps(self) -> float:
        """Answered requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def bytes_per_response(self) -> float:
        """Average response size, headers included for wrk."""
        return self.bytes / self.requests if self.requests else 0.0

    def summary(self) -> str:
        """``1,234 req/s · p50 6.1 ms · p99 21.0 ms``."""
        return f"{self.rps:,.0f} req/s · p50 {self.p50_ms:.1f} ms · p99 {self.p99_ms:.1f} ms"


def load_tool(prefer_python: bool = False) -> str:
    """Name the load client this run uses: ``wrk`` or ``python``."""
    return "wrk" if shutil.which("wrk") and not prefer_python else "python"


def run_load(
    url: str,
    *,
    duration: float,
    connections: int,
    cookie: str | None = None,
    max_requests: int = 0,
    tool: str = "wrk",
) -> LoadResult:
    """Load ``url`` for ``duration`` seconds (the Python client also stops at ``max_requests``)."""
    if urlparse(url).hostname != "127.0.0.1":
        raise ValueError("the benchmark only ever loads 127.0.0.1")
    headers = [f"Cookie: {cookie}"] if cookie else []
    if tool == "wrk":
        command = _wrk_command(url, headers, duration, connections)
    else:
        command = _python_client_command(url, headers, duration, connections, max_requests)
    result = subprocess.run(  # noqa: S603 (fixed tools, loopback URL)
        command,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=duration + OVERRUN,
        check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return LoadResult(tool=tool, **json.loads(line.removeprefix("BENCH_JSON ")))
    raise RuntimeError(f"{tool} printed no result:\n{result.stdout}\n{result.stderr}")


def run_requests(
    url: str, *, requests: int, cap: float, connections: int, cookie: str | None, tool: str
) -> LoadResult:
    """Load ``url`` until at least ``requests`` answers, or ``cap`` seconds.

    wrk only stops on time, so it runs in slices sized from the rate measured
    so far (at most ``LONGEST_SLICE`` seconds, and less as the count nears):
    the total overshoots by about one second of requests at most. The Python
    client stops at the exact count by itself.
    """
    load = {"connections": connections, "cookie": cookie, "tool": tool}
    if tool != "wrk":
        return run_load(url, duration=cap, max_requests=requests, **load)
    total = run_load(url, duration=FIRST_SLICE, **load)
    while total.requests < requests and total.seconds < cap:
        remaining = (requests - total.requests) / max(total.rps, 1.0)
        seconds = max(1, min(int(remaining * 0.8), LONGEST_SLICE, int(cap - total.seconds)))
        part = run_load(url, duration=seconds, **load)
        total = LoadResult(
            tool=tool,
            requests=total.requests + part.requests,
            seconds=total.seconds + part.seconds,
            p50_ms=part.p50_ms,
            p99_ms=max(total.p99_ms, part.p99_ms),
            max_ms=max(total.max_ms, part.max_ms),
            errors=total.errors + part.errors,
            non_2xx=total.non_2xx + part.non_2xx,
            bytes=total.bytes + part.bytes,
        )
    return total


def _wrk_command(url: str, headers: list[str], duration: float, connections: int) -> list[str]:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{max(1, round(duration))}s"]
    command += ["--timeout", "10s", "-s", str(PROJECT_ROOT / "bench" / "wrk_report.lua")]
    for header in headers:
        command += ["-H", header]
    return [*command, url]


def _python_client_command(
    url: str, headers: list[str], duration: float, connections: int, max_requests: int
) -> list[str]:
    command = [sys.executable, "-m", "bench.loadclient", "--url", url]
    command += [f"--duration={duration}", f"--connections={connections}"]
    command += [f"--max-requests={max_requests}"]
    for header in headers:
        command += ["--header", header]
    return command
