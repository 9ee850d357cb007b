"""Row 5: ``flask sessions prune`` over many expired sessions: wall time and peak RSS.

The command runs as an operator would run it, in its own process, measured
by ``/usr/bin/time -v`` (or bench/rusage.py where that is missing). A small
prune (``BASELINE_ROWS``) first gives the process's resting size, so the
table shows whether memory grows with the number of rows.
"""

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.databases import BenchDatabase
from bench.report import Row, at_most
from bench.seed import add_sessions, add_user, add_users, in_days
from bench.servers import server_env
from bench.settings import BENCH_EMAIL, BENCH_PASSWORD, PROJECT_ROOT, Settings
from flowpulse.core.passwords import hash_password

#: Owners of the expired sessions, each with one live session that must survive.
USERS = 1_000
#: The small prune that shows the command's resting memory.
BASELINE_ROWS = 10_000
#: Seconds one prune may take before the run gives up on it.
PRUNE_TIMEOUT = 1_800

#: "Constant memory under 150 MB", and constant means: no growth with rows.
PEAK_RSS = at_most(150, " MB")
RSS_GROWTH = at_most(10, " MB")


@dataclass
class PruneRun:
    """One ``flask sessions prune``: how long, how much memory, what it said."""

    seconds: float
    peak_rss_mb: float
    output: str


def measure(database: BenchDatabase, settings: Settings) -> list[Row]:
    """Prune a small, then a large batch of expired sessions; return row 5's lines."""
    rows = settings.prune_rows[database.engine]
    add_user(database, BENCH_EMAIL, hash_password(BENCH_PASSWORD))
    add_users(database, 1, USERS, "not-a-hash")
    add_sessions(database, 1, USERS, users=USERS, expires_at=in_days(7))
    add_sessions(database, 1, BASELINE_ROWS, users=USERS, expires_at=in_days(-1), label="old")
    baseline = _prune(database, expected=BASELINE_ROWS)
    add_sessions(database, 1, rows, users=USERS, expires_at=in_days(-1), label="expired")
    run = _prune(database, expected=rows)
    _check_live_sessions_kept(database)
    engine = database.engine
    return [
        Row(f"5 prune {rows:,} expired: wall time", engine, run.seconds, f"{run.seconds:.1f} s"),
        Row(f"5 prune {rows:,} expired: peak RSS", engine, run.peak_rss_mb, _mb(run), PEAK_RSS),
        Row(
            f"5 peak RSS growth vs {BASELINE_ROWS:,} rows",
            engine,
            run.peak_rss_mb - baseline.peak_rss_mb,
            f"{run.peak_rss_mb - baseline.peak_rss_mb:+.1f} MB (from {_mb(baseline)})",
            RSS_GROWTH,
        ),
    ]


def _prune(database: BenchDatabase, expected: int) -> PruneRun:
    """Run ``flask sessions prune`` under a peak-memory probe."""
    flask = [sys.executable, "-m", "flask", "--app", "app", "sessions", "prune"]
    if shutil.which("time") and Path("/usr/bin/time").exists():
        command = ["/usr/bin/time", "-v", *flask]
    else:
        command = [sys.executable, "-m", "bench.rusage", "--", *flask]
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        command,
        cwd=PROJECT_ROOT,
        env=server_env(database.url),
        capture_output=True,
        text=True,
        timeout=PRUNE_TIMEOUT,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0 or f"Pruned {expected:,} " not in result.stdout:
        raise RuntimeError(f"flask sessions prune:\n{result.stdout}\n{result.stderr}")
    return PruneRun(
        seconds, _peak_rss_kib(result.stdout + result.stderr) * 1024 / 1e6, result.stdout
    )


def _peak_rss_kib(text: str) -> int:
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)|BENCH_MAXRSS_KIB (\d+)", text)
    if not match:
        raise RuntimeError(f"no peak RSS in:\n{text}")
    return int(match.group(1) or match.group(2))


def _check_live_sessions_kept(database: BenchDatabase) -> None:
    connection = database.connect()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM session")
        left = cursor.fetchone()[0]
    finally:
        connection.close()
    if left != USERS:
        raise RuntimeError(f"prune left {left} sessions, expected the {USERS} live ones")


def _mb(run: PruneRun) -> str:
    return f"{run.peak_rss_mb:.1f} MB"
