"""Row 9: how long ``flask users list`` takes to start, next to a bare ``import flask``.

Each command runs as an operator would run it, in a fresh process on a
small SQLite database (one user), so the time is almost all start-up:
Python, the imports, ``create_app`` and Click. ``import flask`` alone is
the floor any Flask command pays; the two are measured alternately, so
other work on the machine weighs on both alike.
"""

import statistics
import subprocess
import sys
import time

from bench.databases import BenchDatabase
from bench.report import Row, at_most, ratio_row
from bench.servers import server_env
from bench.settings import PROJECT_ROOT

#: Runs of each command; the row shows their median.
RUNS = 5
#: Seconds one run may take before the measurement gives up.
RUN_TIMEOUT = 60

#: "`flask` commands start in well under a second" (issue #23).
START_UP = at_most(1, " s")

USERS_LIST = [sys.executable, "-m", "flask", "--app", "app", "users", "list"]
IMPORT_FLASK = [sys.executable, "-c", "import flask"]


def measure(database: BenchDatabase) -> list[Row]:
    """Time ``flask users list`` and ``import flask`` ``RUNS`` times each; return row 9's lines."""
    env = server_env(database.url)
    command, floor = [], []
    for _ in range(RUNS):
        command.append(_seconds(USERS_LIST, env))
        floor.append(_seconds(IMPORT_FLASK, env))
    users_list, import_flask = statistics.median(command), statistics.median(floor)
    engine = database.engine
    return [
        Row("9 `flask users list` start-up p50", engine, users_list, _shown(users_list), START_UP),
        Row('9 python -c "import flask" p50', engine, import_flask, _shown(import_flask)),
        ratio_row("9 `flask users list` vs import flask", engine, users_list, import_flask),
    ]


def _seconds(argv: list[str], env: dict[str, str]) -> float:
    """Run ``argv`` to its end; return its wall time, or raise with its stderr if it fails."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (our own interpreter and commands)
        argv,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[2:])} failed:\n{result.stderr}")
    return seconds


def _shown(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms (median of {RUNS})"
