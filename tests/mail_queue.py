"""The task queue in tests: every queued job runs before the test client returns.

Tests use an in-memory queue and no worker threads of the app's own. After
each request (and each CLI command) the jobs it queued run to completion in
a thread of their own, as a worker would run them, so a test reads the mail
it caused right away and a request's own thread does only the request's work.
"""

import threading

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

#: The settings every test app gets: a private queue, delivered by ``deliver_queued``.
QUEUE_SETTINGS = {"TASK_QUEUE_URL": "memory://", "TASK_WORKER_IN_PROCESS": False}


def deliver_queued(app: Flask) -> None:
    """Run every job waiting in the app's queue, in a worker thread, until none is left."""
    huey = app.extensions["flowpulse.tasks"].huey

    def work() -> None:
        while (task := huey.dequeue()) is not None:
            huey.execute(task)

    worker = threading.Thread(target=work, name="test-mail-worker")
    worker.start()
    worker.join()


def scheduled_jobs(app: Flask) -> list:
    """Return the jobs waiting for a later time (retries after a failure)."""
    return app.extensions["flowpulse.tasks"].huey.scheduled()


class DeliveringClient(FlaskClient):
    """A test client after whose every request the queued jobs have run."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        deliver_queued(self.application)
        return response


class DeliveringCliRunner(FlaskCliRunner):
    """A CLI runner after whose every command the queued jobs have run."""

    def invoke(self, *args, **kwargs):
        result = super().invoke(*args, **kwargs)
        deliver_queued(self.app)
        return result


def deliver_after_each_request(app: Flask) -> Flask:
    """Make the app's test clients and CLI runners run the queue after each call."""
    app.test_client_class = DeliveringClient
    app.test_cli_runner_class = DeliveringCliRunner
    return app
