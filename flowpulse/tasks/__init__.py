"""The task queue: mail delivery and housekeeping, run by workers off the request path.

Huey (by peewee's author) does the queueing: SQLite storage by default (a
file in ``instance/``), Redis when several hosts serve (``TASK_QUEUE_URL``).
Every serving process runs a few worker threads of its own
(``TASK_WORKER_IN_PROCESS``); ``flask worker`` runs a dedicated process.
"""

from flask import Flask, current_app
from huey import Huey

from flowpulse.tasks import jobs, worker
from flowpulse.tasks.queue import build_queue

#: Where an app keeps its queue.
EXTENSION = "flowpulse.tasks"


def init_app(app: Flask) -> None:
    """Give the app its queue, its jobs, and (when it serves) its worker threads."""
    huey = build_queue(app.config["TASK_QUEUE_URL"], name=app.config["TASK_QUEUE_NAME"])
    app.extensions[EXTENSION] = jobs.register(huey, app)
    if app.config["TASK_WORKER_IN_PROCESS"]:
        worker.start_when_serving(app)


def queue() -> Huey:
    """Return the current app's queue."""
    return current_app.extensions[EXTENSION].huey


def enqueue_delivery(message_id: str, *, priority: int = 0) -> None:
    """Ask a worker to deliver one queued message now (higher ``priority`` first)."""
    current_app.extensions[EXTENSION].deliver(message_id, priority=priority)
