"""``python -m bench [--quick] [--database-url URL] [--json FILE]``: run the benchmark.

Prints the machine, then one table of numbers, targets and verdicts. A
target missed is reported, never an error; a measurement that fails (a
server that will not start, a phase with errors) is shown as ``error`` and
makes the exit status 1.
"""

import argparse
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import psycopg2

from bench import (
    cli_start,
    enumeration,
    peers,
    profile_throughput,
    prune_memory,
    scale,
    signin_latency,
    worker_memory,
)
from bench.databases import bench_database, postgres_database, postgres_version
from bench.hashing import werkzeug_verify_seconds
from bench.load import load_tool
from bench.machine import describe
from bench.peer_env import peer_python, peer_versions
from bench.report import Row, print_table, write_json
from bench.seed import add_user
from bench.settings import (
    ALL_ENGINES,
    ALL_ROWS,
    BENCH_EMAIL,
    BENCH_PASSWORD,
    DEFAULT_DATABASE_URL,
    Settings,
)
from flowpulse.core.passwords import hash_password

#: Database hosts the benchmark may write to (None: a Unix socket).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", None)

#: Werkzeug verifications timed (about 0.2 s each with its scrypt default).
WERKZEUG_SAMPLES = 7


def main(argv: list[str] | None = None) -> int:
    """Run the rows asked for and print the table; return the exit status."""
    settings = _settings(_parser().parse_args(argv))
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    pg_version = _postgres_or_exit(settings)
    load_at_start = _load_average()
    started = time.monotonic()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="flowpulse-bench-") as folder:
        for label, engine, measurement in _plan(settings, Path(folder)):
            elapsed = time.monotonic() - started
            print(f"[{elapsed:5.0f} s] row {label} on {engine} …", file=sys.stderr, flush=True)
            rows += _run(label, engine, measurement)
    workers = _workers(settings)
    machine = describe(pg_version, settings.load_tool, workers)
    if 8 in settings.rows:
        machine["peer"] = peer_versions(peer_python())
    machine["load average"] = f"{load_at_start} (1/5/15 min) before, {_load_average()} after"
    machine["run"] = f"{settings.mode}, {time.monotonic() - started:.0f} s"
    print_table(sorted(rows, key=_table_order), machine)
    if settings.json_path:
        write_json(settings.json_path, rows, machine)
    return 1 if any(row.verdict == "error" for row in rows) else 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """Unwind on SIGTERM as on Ctrl-C, so every ``finally`` cleans up.

    A CI timeout or ``kill`` then still stops the servers and drops the
    databases; a second SIGTERM is ignored, so it cannot cut that short.
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(128 + signum)


def _plan(settings: Settings, folder: Path):
    """Yield ``(row label, engine, measurement)`` in running order."""
    server_url = settings.database_url
    engines, wanted = settings.engines, settings.rows
    werkzeug: dict[str, float] = {}
    if 3 in wanted:
        yield "3 (Werkzeug's default hash)", "-", lambda: _werkzeug_row(werkzeug)
    per_engine = [
        ({1, 2}, "1-2", lambda db: profile_throughput.measure(db, settings, folder)),
        (
            {3},
            "3",
            lambda db: signin_latency.measure(db, settings, folder, werkzeug["seconds"]),
        ),
        ({6}, "6", lambda db: worker_memory.measure(db, settings, folder)),
        ({7}, "7", lambda db: enumeration.measure(db, settings, folder)),
        ({8}, "8", lambda db: peers.measure(db, settings, folder)),
    ]
    for engine in engines:
        for numbers, label, measure in per_engine:
            if numbers & set(wanted):
                yield label, engine, _with_user(engine, folder, server_url, measure)
    if 4 in wanted and "postgresql" in engines:
        yield "4", "postgresql", lambda: _scale(server_url, settings, folder)
    if 5 in wanted:
        for engine in ("postgresql", "sqlite"):
            if engine in engines:
                yield "5", engine, lambda engine=engine: _prune(engine, settings, folder)
    if 9 in wanted:
        # Start-up, not the engine, is measured: one small SQLite database serves.
        yield "9", "sqlite", _with_user("sqlite", folder, server_url, cli_start.measure)


def _with_user(engine: str, folder: Path, server_url: str, measure: Callable) -> Callable:
    """A measurement on a fresh database holding only the signed-in person."""

    def run() -> list[Row]:
        with bench_database(engine, folder, server_url, f"bench-{engine}") as database:
            add_user(database, BENCH_EMAIL, hash_password(BENCH_PASSWORD))
            return measure(database)

    return run


def _scale(server_url: str, settings: Settings, folder: Path) -> list[Row]:
    with postgres_database(server_url) as small, postgres_database(server_url) as large:
        return scale.measure(small, large, settings, folder)


def _prune(engine: str, settings: Settings, folder: Path) -> list[Row]:
    with bench_database(engine, folder, settings.database_url, f"prune-{engine}") as database:
        return prune_memory.measure(database, settings)


def _werkzeug_row(werkzeug: dict[str, float]) -> list[Row]:
    method, seconds = werkzeug_verify_seconds(BENCH_PASSWORD, WERKZEUG_SAMPLES)
    werkzeug["seconds"] = seconds
    return [
        Row(f"3 Werkzeug default ({method}) verify p50", "-", seconds, f"{seconds * 1000:.1f} ms")
    ]


def _run(label: str, engine: str, measurement: Callable[[], list[Row]]) -> list[Row]:
    """Run one measurement; a failure becomes an ``error`` row, not a crash."""
    try:
        return measurement()
    except Exception as exc:
        traceback.print_exc()
        return [Row(label, engine, float("nan"), f"failed: {_first_line(exc)}", error=True)]


def _table_order(row: Row) -> tuple[int, int]:
    """Rows by number, each number's lines by engine (SQLite, PostgreSQL, neither)."""
    engines = [*ALL_ENGINES, "-"]
    return int(row.row[0]), engines.index(row.engine) if row.engine in engines else len(engines)


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0][:70]


def _postgres_or_exit(settings: Settings) -> str | None:
    """Return PostgreSQL's version, or exit with advice if it is needed and down."""
    if "postgresql" not in settings.engines:
        return None
    try:
        return postgres_version(settings.database_url)
    except psycopg2.Error as exc:
        sys.exit(
            f"PostgreSQL at {settings.database_url} is unreachable ({exc}).\n"
            "Start it, pass --database-url, or run --engines sqlite."
        )


def _load_average() -> str:
    """The 1-, 5- and 15-minute load averages: other work on the machine skews numbers."""
    return "/".join(f"{load:.1f}" for load in os.getloadavg())


def _workers(settings: Settings) -> str:
    workers = settings.workers or (os.cpu_count() or 1) * 2  # the servers' default
    return f"{workers} x {settings.threads or 4} threads (gunicorn.conf.py, flowpulse.serving)"


def _refuse_nonsense(settings: Settings, options: argparse.Namespace) -> None:
    """Exit with one clear line on options the run cannot honour."""
    if not settings.engines or not set(settings.engines) <= set(ALL_ENGINES):
        sys.exit(f"--engines takes {','.join(ALL_ENGINES)} or one of them")
    if not settings.rows or not set(settings.rows) <= set(ALL_ROWS):
        sys.exit("--rows takes row numbers 1 to 9, e.g. 1,2,3")
    if options.scale_users is not None and options.scale_users <= scale.SMALL_USERS:
        sys.exit(f"--scale-users must be above row 4's small size, {scale.SMALL_USERS:,}")
    # The run creates and drops schemas and writes millions of rows: loopback only.
    host = urlparse(settings.database_url).hostname
    if "postgresql" in settings.engines and host not in LOOPBACK_HOSTS:
        sys.exit(f"--database-url must name a server on this machine, not {host!r}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter phases, smaller databases")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="PostgreSQL server")
    parser.add_argument("--engines", default=",".join(ALL_ENGINES), help="sqlite,postgresql")
    parser.add_argument("--rows", default=",".join(map(str, ALL_ROWS)), help="e.g. 1,2,3")
    parser.add_argument("--scale-users", type=int, help="row 4's large size (default 1,000,000)")
    parser.add_argument("--prune-rows", type=int, help="row 5's expired sessions, both engines")
    parser.add_argument("--duration", type=float, help="seconds per load phase")
    parser.add_argument("--workers", type=int, help="FLOWPULSE_WORKERS for every server")
    parser.add_argument("--threads", type=int, help="FLOWPULSE_THREADS for every server")
    parser.add_argument("--python-client", action="store_true", help="never use wrk")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    return parser


def _settings(options: argparse.Namespace) -> Settings:
    settings = Settings(database_url=options.database_url)
    if options.quick:
        settings.quick()
    settings.engines = tuple(options.engines.split(","))
    settings.rows = tuple(int(r) for r in options.rows.split(",") if r.isdigit())
    _refuse_nonsense(settings, options)
    if options.scale_users:
        settings.scale_users = options.scale_users
    if options.prune_rows:
        settings.prune_rows = dict.fromkeys(ALL_ENGINES, options.prune_rows)
    if options.duration:
        settings.duration = options.duration
    settings.workers, settings.threads = options.workers, options.threads
    settings.load_tool = load_tool(prefer_python=options.python_client)
    settings.json_path = options.json
    return settings


if __name__ == "__main__":
    sys.exit(main())
