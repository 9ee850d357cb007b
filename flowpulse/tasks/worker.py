"""Worker threads inside the serving process: mail goes out with nothing else started.

``flask run`` starts them with the app; gunicorn starts them in each worker
after the fork (``gunicorn.conf.py``); any other server gets them at its
first request. They stop with the process, finishing the message in hand.
"""

import atexit
import logging
import os
import threading

import click
from flask import Flask
from huey.consumer import Consumer

log = logging.getLogger(__name__)

#: Seconds a stopping process waits for a delivery in progress.
SHUTDOWN_TIMEOUT = 15

_lock = threading.Lock()


class InProcessConsumer(Consumer):
    """Huey's consumer, minus its signal handlers: the web server owns the signals."""

    def _set_signal_handlers(self):
        pass


def start(app: Flask) -> Consumer | None:
    """Start this process's worker threads, once; return the consumer."""
    with _lock:
        consumer = app.extensions.get("flowpulse.tasks.consumer")
        if consumer is not None and consumer.pid == os.getpid():
            return consumer
        huey = app.extensions["flowpulse.tasks"].huey
        consumer = InProcessConsumer(
            huey,
            workers=int(app.config["TASK_WORKER_THREADS"]),
            worker_type="thread",
            periodic=True,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
        )
        consumer.pid = os.getpid()
        consumer.start()
        app.extensions["flowpulse.tasks.consumer"] = consumer
    # Mail left waiting by a process that stopped goes out now, not in a minute.
    app.extensions["flowpulse.tasks"].sweep_outbox()
    atexit.register(stop, app)
    log.info("mail worker: %s thread(s) in process %s", consumer.workers, consumer.pid)
    return consumer


def stop(app: Flask) -> None:
    """Stop this process's worker threads, letting a delivery in hand finish."""
    consumer = app.extensions.pop("flowpulse.tasks.consumer", None)
    if consumer is not None and consumer.pid == os.getpid():
        consumer.stop(graceful=True)


def start_when_serving(app: Flask) -> None:
    """Start the workers now under ``flask run``, else at the first request served."""
    if _started_by_flask_run(app):
        start(app)

    @app.before_request
    def _start_workers() -> None:
        consumer = app.extensions.get("flowpulse.tasks.consumer")
        if consumer is None or consumer.pid != os.getpid():
            start(app)


def _started_by_flask_run(app: Flask) -> bool:
    """Tell whether this process is the one ``flask run`` serves from (not its reloader)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.info_name != "run":
        return False
    reload = ctx.params.get("reload")
    if reload is None:
        reload = app.debug
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
