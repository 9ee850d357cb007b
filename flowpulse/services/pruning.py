"""Housekeeping: delete expired sessions and links, and finished mail, in bounded batches.

Expired rows are never honoured, so removing them changes nothing anyone
sees; it only keeps the tables small. Each batch is its own short statement,
so memory stays constant and other writers wait at most one batch.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from flowpulse.core.clock import utcnow
from flowpulse.core.models import MailMessage, PendingSignIn, Session, Verification
from flowpulse.core.models.mail import DROPPED, FAILED, SENT

#: Rows deleted per statement.
PRUNE_BATCH_SIZE = 5_000

#: The tables that hold rows with an ``expires_at``, in the order they are pruned.
EXPIRING_MODELS = (Session, Verification, PendingSignIn)


ExpiringModel = type[Session] | type[Verification] | type[PendingSignIn]


def count_expired(model: ExpiringModel, now: datetime) -> int:
    """Return how many of the table's rows expired by ``now``."""
    return model.select().where(model.expires_at <= now).count()


def delete_expired(
    model: ExpiringModel,
    now: datetime,
    batch_size: int = PRUNE_BATCH_SIZE,
) -> Iterator[int]:
    """Delete the table's rows expired by ``now``; yield each batch's row count.

    ``now`` is fixed by the caller, so the loop ends even while more rows
    keep expiring. No row is loaded into Python: each batch is one
    ``DELETE ... WHERE id IN (SELECT id ... LIMIT n)``.
    """
    while True:
        batch = model.select(model.id).where(model.expires_at <= now).limit(batch_size)
        deleted = model.delete().where(model.id.in_(batch)).execute()
        if deleted:
            yield deleted
        if deleted < batch_size:
            return


#: How long delivered and dropped messages stay listed (``flask mail queue``).
KEEP_FINISHED_MAIL = timedelta(days=7)
#: How long given-up messages stay, for an operator to look at or retry.
KEEP_FAILED_MAIL = timedelta(days=30)


def delete_finished_mail(now: datetime, batch_size: int = PRUNE_BATCH_SIZE) -> int:
    """Delete outbox rows that are done with (sent or dropped a week ago, failed a month ago)."""
    done = (
        (MailMessage.status.in_((SENT, DROPPED)))
        & (MailMessage.updated_at <= now - KEEP_FINISHED_MAIL)
    ) | ((MailMessage.status == FAILED) & (MailMessage.updated_at <= now - KEEP_FAILED_MAIL))
    total = 0
    while True:
        batch = MailMessage.select(MailMessage.id).where(done).limit(batch_size)
        deleted = MailMessage.delete().where(MailMessage.id.in_(batch)).execute()
        total += deleted
        if deleted < batch_size:
            return total


def prune_everything(now: datetime | None = None) -> dict[str, int]:
    """Run every prune once (the daily job); return how many rows each removed."""
    now = now or utcnow()
    removed = {model.__name__: sum(delete_expired(model, now)) for model in EXPIRING_MODELS}
    removed["MailMessage"] = delete_finished_mail(now)
    return removed
