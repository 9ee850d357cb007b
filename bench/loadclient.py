"""The load client used when wrk is not installed: threads on keep-alive connections.

Run as its own process (``python -m bench.loadclient``) so its work does not
share a GIL with the benchmark, it prints one JSON line like bench/wrk_report.lua.
Loopback only; stops at ``--duration`` seconds or ``--max-requests`` answers.
"""

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlparse


class _Tally:
    """Answers counted across threads, so ``--max-requests`` is one shared budget."""

    def __init__(self, limit: int):
        self.limit = limit
        self.sent = 0
        self.non_2xx = 0
        self.errors = 0
        self.bytes = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Reserve one request; False once the budget is spent."""
        with self._lock:
            if self.limit and self.sent >= self.limit:
                return False
            self.sent += 1
            return True

    def record(self, status: int | None, size: int) -> None:
        with self._lock:
            if status is None:
                self.errors += 1
            elif not 200 <= status < 300:
                self.non_2xx += 1
            self.bytes += size


def _hammer(url, headers, deadline, tally: _Tally, latencies: list[float]) -> None:
    """Send GETs on one keep-alive connection until time or budget runs out."""
    address = urlparse(url)
    path = address.path or "/"
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        while time.monotonic() < deadline and tally.take():
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                reply = connection.getresponse()
                body = reply.read()
            except (OSError, http.client.HTTPException):
                tally.record(None, 0)
                connection.close()  # reconnects on the next request
                continue
            latencies.append(time.perf_counter() - started)
            tally.record(reply.status, len(body))
    finally:
        connection.close()


def run(url: str, headers: dict, duration: float, connections: int, limit: int) -> dict:
    """Load ``url`` and return wrk-like results."""
    if urlparse(url).hostname != "127.0.0.1":
        raise SystemExit("the benchmark only ever loads 127.0.0.1")
    tally = _Tally(limit)
    per_thread: list[list[float]] = [[] for _ in range(connections)]
    started = time.perf_counter()
    deadline = time.monotonic() + duration
    threads = [
        threading.Thread(target=_hammer, args=(url, headers, deadline, tally, latencies))
        for latencies in per_thread
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 30)
    seconds = time.perf_counter() - started
    latencies = sorted(value for values in per_thread for value in values)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "p50_ms": cuts[49] * 1e3 if cuts else 0.0,
        "p99_ms": cuts[98] * 1e3 if cuts else 0.0,
        "max_ms": latencies[-1] * 1e3 if latencies else 0.0,
        "errors": tally.errors,
        "non_2xx": tally.non_2xx,
        "bytes": tally.bytes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=0)
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    options = parser.parse_args()
    headers = dict(header.split(": ", 1) for header in options.header)
    result = run(options.url, headers, options.duration, options.connections, options.max_requests)
    print("BENCH_JSON " + json.dumps(result))


if __name__ == "__main__":
    main()
