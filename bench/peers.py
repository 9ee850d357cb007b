"""Row 8: signed-in ``/profile``, FlowPulse next to a Flask-Security-Too app (``bench/peer/``).

Three pairings: both apps under the *same* server and settings (gunicorn
with gunicorn.conf.py's values, then Granian with ``flowpulse.serving``'s),
where the server's own work is the same on both sides and the difference is
the apps'; and *as shipped*, each under its usual server: FlowPulse under
``make serve`` (Granian), the peer under ``gunicorn -w N`` (sync workers,
no access log), the way Flask's deployment documentation starts it.

Every server runs at once on the same database; phases alternate between
them ``peer_rounds`` times and each number is the median of its rounds. CPU
per request is what the kernel charged the server's processes during the
measured seconds, divided by the requests answered: less sensitive than
requests/s to other work on the machine, which slows a server without
making its requests cost more CPU.
"""

import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.databases import BenchDatabase
from bench.load import run_load
from bench.peer_env import peer_python
from bench.peer_servers import ServerProcess
from bench.profile_throughput import check_answers
from bench.report import Row, at_most, ratio_row
from bench.servers import server_env
from bench.settings import BENCH_EMAIL, BENCH_PASSWORD, PROJECT_ROOT, Settings
from bench.signin import sign_in
from flowpulse.serving import ACCESS_LOG_FORMAT, granian_options

#: The target, as shipped: FlowPulse's CPU per request at most half the peer's.
AS_SHIPPED = at_most(0.5, "x")

#: gunicorn.conf.py's access log format, for the peer under the same gunicorn.
GUNICORN_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


@dataclass
class Phase:
    """One measured load phase of one server."""

    rps: float
    p99_ms: float
    cpu_ms: float

    FIELDS = ("rps", "p99_ms", "cpu_ms")


def measure(database: BenchDatabase, settings: Settings, folder: Path) -> list[Row]:
    """Load every server's /profile in alternating rounds; return row 8."""
    python = peer_python()
    _create_peer_user(python, database)
    workers = settings.workers or 4
    threads = settings.threads or 4
    servers = _servers(python, database, folder, workers, threads)
    phases: dict[str, list[Phase]] = {name: [] for name in servers}
    started = []
    try:
        for server in servers.values():
            started.append(server.__enter__())
        cookies = {name: _signed_in(server) for name, server in servers.items()}
        for _ in range(settings.peer_rounds):
            for name, server in servers.items():
                phases[name].append(_phase(name, server, cookies[name], settings))
    finally:
        for server in started:
            server.stop()
    return _rows(database.engine, phases)


def _rows(engine: str, phases: dict[str, list[Phase]]) -> list[Row]:
    medians = {name: _median(runs) for name, runs in phases.items()}
    medians["FlowPulse, as shipped"] = medians["FlowPulse, granian"]  # make serve's default
    rows = []
    for pairing, target in (("gunicorn", None), ("granian", None), ("as shipped", AS_SHIPPED)):
        ours, peer = medians[f"FlowPulse, {pairing}"], medians[f"Flask-Security-Too, {pairing}"]
        for app, numbers in (("FlowPulse", ours), ("Flask-Security-Too", peer)):
            label = f"8 {app} /profile, {pairing}"
            rows.append(Row(label, engine, numbers.cpu_ms, _shown(numbers)))
        label = f"8 CPU/request FlowPulse vs peer, {pairing}"
        rows.append(ratio_row(label, engine, ours.cpu_ms, peer.cpu_ms, target))
    return rows


def _servers(python: Path, database: BenchDatabase, folder: Path, workers: int, threads: int):
    """The five servers: FlowPulse under two, the peer under three."""
    ours = server_env(database.url, WORKERS=workers, THREADS=threads)
    peer = {**ours, "PYTHONPATH": str(PROJECT_ROOT / "bench" / "peer")}
    serve = [sys.executable, "-m", "flowpulse.serving"]
    common = {"log_folder": folder, "workers": workers}
    fp_gunicorn = {**ours, "FLOWPULSE_SERVER": "gunicorn", "FLOWPULSE_BIND": "127.0.0.1:{port}"}
    fp_granian = {**ours, "FLOWPULSE_SERVER": "granian", "FLOWPULSE_BIND": "127.0.0.1:{port}"}
    fp = {"cwd": PROJECT_ROOT, "ready_path": "/healthz", **common}
    fst = {"cwd": PROJECT_ROOT / "bench" / "peer", "ready_path": "/login", "env": peer, **common}
    servers = {
        "FlowPulse, gunicorn": ServerProcess("fp-gunicorn", serve, fp_gunicorn, **fp),
        "Flask-Security-Too, gunicorn": ServerProcess(
            "fst-gunicorn", _peer_gunicorn(python, workers, threads), **fst
        ),
        "FlowPulse, granian": ServerProcess("fp-granian", serve, fp_granian, **fp),
        "Flask-Security-Too, granian": ServerProcess(
            "fst-granian", _peer_granian(python, workers, threads), **fst
        ),
        "Flask-Security-Too, as shipped": ServerProcess(
            "fst-shipped", [str(python), "-m", "gunicorn", "-w", str(workers), *_bind()], **fst
        ),
    }
    for server in servers.values():  # the port is known once the object exists
        server.env = {k: v.replace("{port}", str(server.port)) for k, v in server.env.items()}
    return servers


def _bind() -> list[str]:
    return ["-b", "127.0.0.1:{port}", "peer_app:app"]


def _peer_gunicorn(python: Path, workers: int, threads: int) -> list[str]:
    """The peer under gunicorn.conf.py's values (its hooks are FlowPulse's own, so not the file)."""
    return [
        *(str(python), "-m", "gunicorn", "-k", "gthread", "-w", str(workers)),
        *("--threads", str(threads), "--keep-alive", "5", "--timeout", "30"),
        *("--max-requests", "10000", "--max-requests-jitter", "1000", "--preload"),
        *("--access-logfile", "-", "--access-logformat", GUNICORN_LOG_FORMAT),
        *_bind(),
    ]


def _peer_granian(python: Path, workers: int, threads: int) -> list[str]:
    """The peer under the Granian settings ``make serve`` uses."""
    options = granian_options()
    return [
        *(str(python), "-m", "granian", "--interface", "wsgi", "--no-ws"),
        *("--workers", str(workers), "--blocking-threads", str(threads)),
        *("--access-log", "--access-log-fmt", ACCESS_LOG_FORMAT, "--log-level", "warning"),
        *("--workers-max-rss", str(options["workers_max_rss"]), "--respawn-failed-workers"),
        *("--host", "127.0.0.1", "--port", "{port}", "peer_app:app"),
    ]


def _create_peer_user(python: Path, database: BenchDatabase) -> None:
    """The peer's tables and the same person, made before any of its workers start."""
    env = server_env(database.url)
    command = [str(python), "-m", "bench.peer.peer_app", BENCH_EMAIL, BENCH_PASSWORD]
    subprocess.run(  # noqa: S603 (the peer's interpreter, fixed arguments)
        command, cwd=PROJECT_ROOT, env=env, check=True, timeout=120, capture_output=True
    )


def _signed_in(server: ServerProcess) -> str:
    login = "/auth/login" if server.name.startswith("fp-") else "/login"
    return sign_in(server.url, login, "/profile", BENCH_EMAIL, BENCH_PASSWORD)


def _phase(name: str, server: ServerProcess, cookie: str, settings: Settings) -> Phase:
    """Warm up, then measure requests, latency and the server's CPU time."""
    url = server.url + "/profile"
    load = {"cookie": cookie, "connections": settings.connections, "tool": settings.load_tool}
    run_load(url, duration=settings.warmup, **load)
    before = server.cpu_seconds()
    result = run_load(url, duration=settings.peer_duration, **load)
    spent = server.cpu_seconds() - before
    check_answers(name, url, cookie, result)
    return Phase(result.rps, result.p99_ms, spent / max(result.requests, 1) * 1000)


def _median(runs: list[Phase]) -> Phase:
    return Phase(*(statistics.median(getattr(run, f) for run in runs) for f in Phase.FIELDS))


def _shown(phase: Phase) -> str:
    return f"{phase.cpu_ms:.2f} ms CPU/req · {phase.rps:,.0f} req/s · p99 {phase.p99_ms:.1f} ms"
