"""Row 6: gunicorn worker memory after N and then M signed-in ``/profile`` requests.

gunicorn runs with ``--max-requests 0`` so no worker is recycled while it is
measured; each worker's VmRSS is read from ``/proc/<pid>/status`` at every
checkpoint. A leak shows as growth between the checkpoints; the requests
before the first one fill what fills once (templates, pools, allocator
arenas). wrk's fresh connections every few seconds spread the requests over
all workers, so none is still cold at the first checkpoint.
"""

from pathlib import Path

from bench.databases import BenchDatabase
from bench.load import run_requests
from bench.report import Row, at_most
from bench.servers import GunicornServer
from bench.settings import BENCH_EMAIL, BENCH_PASSWORD, Settings
from bench.signin import sign_in, status_of

#: Growth of any one worker between the checkpoints that still counts as noise.
GROWTH = at_most(2, " MB")


def measure(database: BenchDatabase, settings: Settings, folder: Path) -> list[Row]:
    """Serve /profile up to each checkpoint, reading worker RSS; return row 6's lines."""
    servers = {"workers": settings.workers, "threads": settings.threads}
    with GunicornServer("flowpulse", database.url, folder, max_requests=0, **servers) as server:
        workers = server.worker_pids()
        readings = _read_at_checkpoints(server, workers, settings)
        if server.worker_pids() != workers:
            raise RuntimeError("a gunicorn worker was replaced during the measurement")

    engine = database.engine
    rows = [
        Row(f"6 worker RSS after {checkpoint:,} requests", engine, max(rss.values()), shown)
        for checkpoint, (rss, shown) in readings.items()
    ]
    first = readings[settings.memory_checkpoints[0]][0]
    last = readings[settings.memory_checkpoints[-1]][0]
    growth = max(last[pid] - first[pid] for pid in workers)
    rows.append(
        Row("6 worker RSS growth (max of workers)", engine, growth, f"{growth:+.1f} MB", GROWTH)
    )
    return rows


def _read_at_checkpoints(
    server: GunicornServer, workers: list[int], settings: Settings
) -> dict[int, tuple[dict[int, float], str]]:
    """Load /profile up to each checkpoint; return each worker's RSS there, and a summary."""
    cookie = sign_in(server.url, "/auth/login", "/profile", BENCH_EMAIL, BENCH_PASSWORD)
    url = server.url + "/profile"
    readings = {}
    served = 0
    for checkpoint in settings.memory_checkpoints:
        result = run_requests(
            url,
            requests=checkpoint - served,
            cap=settings.memory_phase_cap,
            connections=settings.connections,
            cookie=cookie,
            tool=settings.load_tool,
        )
        if result.errors or result.non_2xx or status_of(url, cookie) != 200:
            raise RuntimeError(f"{url}: {result.errors} errors or no longer signed in")
        served += result.requests
        if served < checkpoint:
            raise RuntimeError(f"only {served:,} requests in {settings.memory_phase_cap} s")
        rss = {pid: _rss_mb(pid) for pid in workers}
        readings[checkpoint] = (rss, f"{_shown(rss)} · {served:,} served")
    return readings


def _rss_mb(pid: int) -> float:
    """Return a process's resident set size (VmRSS) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no VmRSS for process {pid}")


def _shown(rss: dict[int, float]) -> str:
    values = sorted(rss.values())
    return f"{values[-1]:.1f} MB max · {values[0]:.1f} min · {len(values)} workers"
