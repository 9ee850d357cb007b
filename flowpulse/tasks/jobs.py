"""The jobs the queue runs: deliver one message, sweep the outbox, prune once a day."""

from collections.abc import Callable
from typing import NamedTuple

from flask import Flask
from huey import Huey, crontab

from flowpulse.core.database import db


class Jobs(NamedTuple):
    """An app's queue and its jobs (``sweep_outbox`` also runs when a worker starts)."""

    huey: Huey
    deliver: object
    sweep_outbox: object


def register(huey: Huey, app: Flask) -> Jobs:
    """Define the app's jobs on its queue; each runs inside the app's context."""
    # Imported here: the services import this package to enqueue deliveries.
    from flowpulse.services import mail_delivery, mail_outbox, pruning

    in_app = _runner(app)

    @huey.task(name="deliver-mail", context=True)
    def deliver(message_id: str, task=None) -> None:
        # Every later look at the message keeps the priority it was asked at.
        priority = task.priority if task is not None else None

        def watch(seconds: float) -> None:
            # Should this worker die mid-delivery, another looks again then.
            deliver.schedule((message_id,), delay=seconds, priority=priority)

        retry_in = in_app(mail_delivery.deliver, message_id, watch=watch)
        if retry_in is not None:
            deliver.schedule((message_id,), delay=retry_in, priority=priority)

    # Every minute: messages whose delivery was never asked for (the process
    # stopped between the commit and the ask) or whose retry is due. At link
    # priority itself, so a backlog of notices cannot hold the sweep back.
    @huey.periodic_task(
        crontab(minute="*"), name="sweep-outbox", priority=mail_outbox.LINK_PRIORITY
    )
    def sweep_outbox() -> None:
        for due in in_app(mail_outbox.due_messages):
            deliver(due.message_id, priority=due.priority)

    if app.config["TASK_DAILY_PRUNE"]:
        _register_daily_prune(huey, in_app, pruning.prune_everything)
    return Jobs(huey, deliver, sweep_outbox)


def _runner(app: Flask) -> Callable:
    """Return a function that runs work inside ``app``'s context, then closes its connection."""

    def in_app(work, *args, **kwargs):
        with app.app_context():
            try:
                return work(*args, **kwargs)
            finally:
                if not db.is_closed():
                    db.close()

    return in_app


def _register_daily_prune(huey: Huey, in_app: Callable, prune: Callable) -> None:
    """Define the daily prune job on the queue; ``prune`` runs inside the app's context."""

    # Once a day, on one worker at a time: expired sessions and links,
    # and outbox rows that are done with.
    @huey.periodic_task(crontab(minute="17", hour="3"), name="daily-prune")
    @huey.lock_task("daily-prune")
    def daily_prune() -> None:
        in_app(prune)
