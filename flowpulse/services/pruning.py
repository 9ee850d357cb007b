"""Housekeeping: delete expired sessions and verification rows in bounded batches.

Expired rows are never honoured, so removing them changes nothing anyone
sees; it only keeps the tables small. Each batch is its own short statement,
so memory stays constant and other writers wait at most one batch.
"""

from collections.abc import Iterator
from datetime import datetime

from flowpulse.core.models import Session, Verification

#: Rows deleted per statement.
PRUNE_BATCH_SIZE = 5_000

#: The tables that hold rows with an ``expires_at``, in the order they are pruned.
EXPIRING_MODELS = (Session, Verification)


def count_expired(model: type[Session] | type[Verification], now: datetime) -> int:
    """Return how many of the table's rows expired by ``now``."""
    return model.select().where(model.expires_at <= now).count()


def delete_expired(
    model: type[Session] | type[Verification],
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
