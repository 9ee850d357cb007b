"""Production serving: ``make serve`` runs ``python -m flowpulse.serving``.

Granian (a Rust HTTP server; FlowPulse uses its RSGI interface) is the default: it spends
less CPU per request than gunicorn and answers more requests per second
(README, "Serving in production"). ``FLOWPULSE_SERVER=gunicorn`` runs
gunicorn with ``gunicorn.conf.py`` instead. Both read the same settings:
``FLOWPULSE_BIND``, ``FLOWPULSE_WORKERS``, ``FLOWPULSE_THREADS``,
``FLOWPULSE_LOG_LEVEL`` and ``FLOWPULSE_ACCESS_LOG``.
"""

import multiprocessing
import os
import sys
from pathlib import Path

#: The servers ``FLOWPULSE_SERVER`` names; the first is the default.
SERVERS = ("granian", "gunicorn")

#: The repository root, where gunicorn.conf.py lives.
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

#: Granian's target: the app behind an RSGI bridge (raw header names), mail threads in each worker.
GRANIAN_TARGET = "flowpulse.serving.granian_app:application"

#: One line per request, like gunicorn.conf.py's: no query string, no cookie.
ACCESS_LOG_FORMAT = '%(addr)s "%(method)s %(path)s" %(status)d %(dt_ms).0fms'


def setting(name: str, default: str) -> str:
    """Return ``FLOWPULSE_<name>`` from the environment, or ``default``."""
    return os.environ.get(f"FLOWPULSE_{name}") or default


def chosen_server() -> str:
    """Return the server ``FLOWPULSE_SERVER`` names (granian unless told otherwise)."""
    server = setting("SERVER", SERVERS[0]).lower()
    if server not in SERVERS:
        sys.exit(f"FLOWPULSE_SERVER must be one of {', '.join(SERVERS)}, not {server!r}")
    return server


def main() -> int:
    """Serve FlowPulse with the chosen server until it is told to stop."""
    if chosen_server() == "gunicorn":
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py")]
        # Replace this process: gunicorn's master gets the signals (HUP, TERM) directly.
        os.execv(sys.executable, gunicorn)  # noqa: S606 (our own interpreter and config)
    from granian import Granian

    Granian(GRANIAN_TARGET, **granian_options()).serve()
    return 0


def granian_options() -> dict:
    """Granian's settings, chosen to keep gunicorn.conf.py's production properties."""
    host, _, port = setting("BIND", "127.0.0.1:8000").rpartition(":")
    workers = int(setting("WORKERS", str(multiprocessing.cpu_count() * 2)))
    return {
        "address": host or "127.0.0.1",
        "port": int(port),
        # RSGI, not WSGI: only RSGI shows raw header names (flowpulse.serving.rsgi_bridge).
        # FLOWPULSE_THREADS sizes the bridge's thread pool (granian_app.py).
        "interface": "rsgi",
        "workers": workers,
        "websockets": False,
        "log_level": setting("LOG_LEVEL", "info").lower(),
        "log_access": True,
        "log_access_format": ACCESS_LOG_FORMAT,
        "log_dictconfig": logging_config(setting("ACCESS_LOG", "-")),
        # A dead worker is replaced; a restart (SIGHUP) starts each new worker
        # and gives it Granian's 3.5 s to load the app before the old one stops;
        # a graceful stop waits for requests in flight.
        "respawn_failed_workers": True,
        "workers_kill_timeout": 30,
        # Recycling: a worker above the memory bound, or older than the lifetime, is replaced.
        "workers_max_rss": int(setting("WORKER_MAX_RSS", "512")),
        "rss_sample_interval": int(setting("WORKER_RSS_INTERVAL", "30")),
        "workers_lifetime": int(setting("WORKER_LIFETIME", str(24 * 3600))),
    }


def logging_config(access_log: str) -> dict:
    """Granian's loggers, the access log masked (tokens, control characters)."""
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
    if access_log != "-":
        handler = {"class": "logging.FileHandler", "filename": access_log}
    mask = {"()": "flowpulse.web.access_log.GranianAccessMask"}
    return {
        "filters": {"mask": mask},
        "handlers": {
            "console": {
                "formatter": "generic",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
            "access": {**handler, "formatter": "access", "filters": ["mask"]},
        },
    }
