"""``flask worker``: a process that only delivers mail and runs housekeeping.

For deployments that prefer one (set ``TASK_WORKER_IN_PROCESS=false`` for
the web processes then). It runs Huey's consumer with its own signal
handling: SIGTERM or Ctrl-C finishes the message in hand, then exits.
"""

import click
from flask import current_app
from flask.cli import with_appcontext
from huey.consumer import Consumer


@click.command("worker")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    help="Worker threads (default: TASK_WORKER_THREADS).",
)
@with_appcontext
def worker_command(threads: int | None) -> None:
    """Deliver queued mail and run housekeeping until stopped."""
    app = current_app._get_current_object()
    huey = app.extensions["flowpulse.tasks"].huey
    consumer = Consumer(
        huey,
        workers=threads or int(app.config["TASK_WORKER_THREADS"]),
        worker_type="thread",
        periodic=True,
        graceful_signal="TERM",
        shutdown_timeout=15,
    )
    click.echo(f"FlowPulse worker: {consumer.workers} thread(s) on {app.config['TASK_QUEUE_URL']}")
    # Mail left waiting while no worker ran goes out now, not in a minute.
    app.extensions["flowpulse.tasks"].sweep_outbox()
    consumer.run()
