"""Production serving with gunicorn: ``make serve`` or ``gunicorn -c gunicorn.conf.py``.

Sign-in is CPU-bound (one ~35 ms Argon2id hash), so workers are processes,
one or two per core; threads let a worker overlap database and SMTP waits.
Every value can be overridden from the environment without editing this file.
"""

import multiprocessing
import os

wsgi_app = "app:app"
bind = os.environ.get("FLOWPULSE_BIND", "127.0.0.1:8000")

#: Processes: hashing is CPU-bound, so about two per core.
workers = int(os.environ.get("FLOWPULSE_WORKERS", multiprocessing.cpu_count() * 2))
#: Threads per process, for time spent waiting on PostgreSQL or SMTP.
threads = int(os.environ.get("FLOWPULSE_THREADS", 4))
worker_class = "gthread"

#: A request slower than this is stuck (SMTP's own timeout is 10 s).
timeout = 30
graceful_timeout = 30
keepalive = 5
#: Recycle workers now and then, with jitter so they do not restart together.
max_requests = 10_000
max_requests_jitter = 1_000

#: Import the app before forking: workers share its memory and fail fast.
preload_app = True

#: Never log query strings or cookies, and mask the token in link paths.
logger_class = "flowpulse.web.access_log.AccessLogger"
#: FLOWPULSE_ACCESS_LOG: a file, or "-" for stdout (the same setting as Granian's).
accesslog = os.environ.get("FLOWPULSE_ACCESS_LOG") or "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("FLOWPULSE_LOG_LEVEL", "info")

#: Trust X-Forwarded-* only through the app's PROXY_FIX_X_FOR, not gunicorn's.
forwarded_allow_ips = ""


def when_ready(server):
    """Load what requests import on first use, before forking: every worker inherits it."""
    from flowpulse.serving.preload import preload

    preload()


def post_fork(server, worker):
    """Give each worker its own database connections (never share across a fork)."""
    from flowpulse.core.pools import close_inherited_connections

    close_inherited_connections()


def post_worker_init(worker):
    """Start this worker's mail threads now, not at its first request (pending mail waits)."""
    from flowpulse.tasks import worker as mail_worker

    app = worker.wsgi
    if app.config["TASK_WORKER_IN_PROCESS"]:
        mail_worker.start(app)


def worker_exit(server, worker):
    """Let a delivery in progress finish before the worker goes."""
    from flowpulse.tasks import worker as mail_worker

    mail_worker.stop(worker.wsgi)
