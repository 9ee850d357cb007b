"""``python -m bench.server_choice``: the measurement behind ``make serve``'s default server.

FlowPulse under gunicorn (gthread, as gunicorn.conf.py; and sync workers)
and under Granian (``flowpulse.serving``'s settings), all at once on one
database, loaded in alternating rounds: signed-in ``/profile``, the landing
page ``/`` signed out, and sign-in ``POST /auth/login`` (one after another:
its cost is one Argon2id hash, whatever the server). Prints, per page and
server, the medians of the rounds: CPU per request (the server's processes,
from /proc), requests/s and p99. Not part of ``make bench``'s table; run it
when the choice is in question::

    .venv/bin/python -m bench.server_choice --engines sqlite,postgresql --workers 2,4
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench.databases import bench_database
from bench.load import load_tool, run_load
from bench.peer_servers import ServerProcess
from bench.seed import add_user
from bench.servers import server_env
from bench.settings import BENCH_EMAIL, BENCH_PASSWORD, DEFAULT_DATABASE_URL, PROJECT_ROOT
from bench.signin import sign_in, time_sign_ins
from flowpulse.core.passwords import hash_password

#: The servers compared: FLOWPULSE_SERVER, and extra gunicorn arguments.
SERVERS = {
    "gunicorn gthread": ("gunicorn", ""),
    "gunicorn sync": ("gunicorn", "--worker-class sync"),
    "granian": ("granian", ""),
}

#: Sequential sign-ins per server and round.
SIGN_INS = 10


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    print(f"load average before: {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="flowpulse-choice-") as folder:
        for engine in options.engines.split(","):
            for workers in (int(w) for w in options.workers.split(",")):
                with bench_database(engine, Path(folder), options.database_url, "choice") as db:
                    add_user(db, BENCH_EMAIL, hash_password(BENCH_PASSWORD))
                    results = _compare(db.url, Path(folder), workers, options)
                _print(engine, workers, results)
    print(f"load average after: {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


def _compare(database_url: str, folder: Path, workers: int, options) -> dict:
    servers = {name: _server(name, database_url, folder, workers) for name in SERVERS}
    results: dict = {}
    started = []
    try:
        for server in servers.values():
            started.append(server.__enter__())
        cookies = {name: _cookie(server) for name, server in servers.items()}
        for _ in range(options.rounds):
            for name, server in servers.items():
                for page, cookie in (("/profile", cookies[name]), ("/", None)):
                    numbers = _load(server, page, cookie, options.duration)
                    results.setdefault((page, name), []).append(numbers)
                results.setdefault(("POST /auth/login", name), []).append(_sign_ins(server))
    finally:
        for server in started:
            server.stop()
    return results


def _server(name: str, database_url: str, folder: Path, workers: int) -> ServerProcess:
    kind, extra = SERVERS[name]
    env = server_env(database_url, WORKERS=workers, SERVER=kind, RATELIMIT_ENABLED="false")
    if extra:
        env["GUNICORN_CMD_ARGS"] = extra
    command = [sys.executable, "-m", "flowpulse.serving"]
    server = ServerProcess(
        name.replace(" ", "-"), command, env, PROJECT_ROOT, "/healthz", workers, folder
    )
    server.env["FLOWPULSE_BIND"] = f"127.0.0.1:{server.port}"
    return server


def _cookie(server: ServerProcess) -> str:
    return sign_in(server.url, "/auth/login", "/profile", BENCH_EMAIL, BENCH_PASSWORD)


def _load(server: ServerProcess, page: str, cookie: str | None, duration: float) -> tuple:
    load = {"cookie": cookie, "connections": 16, "tool": load_tool()}
    run_load(server.url + page, duration=1, **load)
    before = server.cpu_seconds()
    result = run_load(server.url + page, duration=duration, **load)
    cpu_ms = (server.cpu_seconds() - before) / max(result.requests, 1) * 1000
    if result.errors or result.non_2xx:
        raise RuntimeError(
            f"{server.name} {page}: {result.errors} errors, {result.non_2xx} non-2xx"
        )
    return cpu_ms, result.rps, result.p99_ms


def _sign_ins(server: ServerProcess) -> tuple:
    before = server.cpu_seconds()
    seconds = time_sign_ins(
        server.url, BENCH_PASSWORD, [BENCH_EMAIL] * SIGN_INS, {BENCH_EMAIL: 303}
    )
    cpu_ms = (server.cpu_seconds() - before) / SIGN_INS * 1000
    times = seconds[BENCH_EMAIL]
    return cpu_ms, len(times) / sum(times), statistics.quantiles(times, n=100)[98] * 1000


def _print(engine: str, workers: int, results: dict) -> None:
    print(f"\n{engine}, {workers} workers (medians of the rounds)")
    for (page, name), rounds in results.items():
        cpu, rps, p99 = (statistics.median(r[i] for r in rounds) for i in range(3))
        print(f"  {page:17} {name:17} {cpu:6.2f} ms CPU/req  {rps:7,.0f} req/s  p99 {p99:6.1f} ms")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.server_choice")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--workers", default="2,4")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    return parser


if __name__ == "__main__":
    sys.exit(main())
