"""The outbox: queuing a message with the change that causes it, and tracking its delivery.

``enqueue`` writes the message's row inside the caller's transaction, so a
message exists exactly when its change committed; once it has, a worker is
asked to deliver it. Should the process stop between the commit and the ask,
the worker's sweep finds the row within a minute (``due_messages``). A
worker's claim on a message and the record of each attempt are
``flowpulse.services.mail_attempts``.

One account must not hold up everyone's mail, so the queue is not first
come, first served:

- Link mail (``LINK_KINDS``: verification, reset, email change) is asked
  for at ``LINK_PRIORITY``, above notices, in the task queue and in the
  sweep: a stranger's reset link overtakes any backlog of notices.
- A notice is merged into an identical one still waiting (same kind,
  recipient, account and words, not yet delivered): that one tells of both,
  since it goes out after both happened. One that went out already merges
  nothing, so every change is still told after it happened; notices that
  say different things (another passkey's name) are never merged.
- The changes that cause notices are limited per account where people make
  them (``flowpulse.web.ratelimit.NOTICE_ACTIONS_PER_ACCOUNT``).
"""

import json
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from peewee import Case

from flowpulse.core.clock import utcnow
from flowpulse.core.database import after_commit, transaction
from flowpulse.core.models import MailMessage
from flowpulse.core.models.mail import DROPPED, FAILED, LINK_KINDS, PENDING

#: Task priorities (higher goes first): link mail before notices.
LINK_PRIORITY = 10
NOTICE_PRIORITY = 0


def priority_of(kind: str) -> int:
    """Return the task priority a message of ``kind`` is delivered at."""
    return LINK_PRIORITY if kind in LINK_KINDS else NOTICE_PRIORITY


def enqueue(kind: str, recipient: str, *, user_id: str | None = None, **context) -> MailMessage:
    """Queue one message; a worker is asked to deliver it once the transaction commits."""
    with transaction():
        message = MailMessage.create(
            kind=kind, recipient=recipient, user_id=user_id, context=_encoded(context)
        )
        after_commit(lambda: _ask_for_delivery(message.id, priority_of(kind)))
    return message


def enqueue_notice(kind: str, recipient: str, *, user_id: str, **context) -> MailMessage:
    """Queue a notice, unless an identical one still waits to go out (it then tells of both)."""
    with transaction():
        waiting = (
            MailMessage.select()
            .where(
                (MailMessage.user_id == user_id)
                & (MailMessage.kind == kind)
                & (MailMessage.recipient == recipient)
                & (MailMessage.context == _encoded(context))
                & (MailMessage.status == PENDING)
            )
            .first()
        )
        return waiting or enqueue(kind, recipient, user_id=user_id, **context)


def _encoded(context: dict) -> str:
    # Sorted keys: one context is one string, so identical notices compare equal.
    return json.dumps(context, separators=(",", ":"), sort_keys=True)


def _ask_for_delivery(message_id: str, priority: int) -> None:
    from flowpulse.tasks import enqueue_delivery  # the queue imports the services

    try:
        enqueue_delivery(message_id, priority=priority)
    except Exception:  # the queue's storage is down: the sweep will find the row
        current_app.logger.warning("mail %s queued; its worker will find it", message_id)


def context_of(message: MailMessage) -> dict:
    """Return what the message says beyond its kind and recipient."""
    return json.loads(message.context or "{}")


def drop_pending(user_id: str, kinds: tuple[str, ...]) -> None:
    """Drop a user's undelivered messages of these kinds (their links must not be minted).

    Called in the transaction that discards the user's links: a message a
    worker is delivering right now is dropped too, and the worker checks
    that, under the same user lock, before it mints.
    """
    MailMessage.update(status=DROPPED, last_error="its link was discarded").where(
        (MailMessage.user_id == user_id)
        & (MailMessage.kind.in_(kinds))
        & (MailMessage.status == PENDING)
    ).execute()


class Due(NamedTuple):
    """A message the sweep asks a worker for, and at which priority."""

    message_id: str
    priority: int


def due_messages(limit: int = 500) -> list[Due]:
    """Return pending messages whose attempt is due and that nobody is delivering, links first."""
    now = utcnow()
    is_link = MailMessage.kind.in_(LINK_KINDS)
    query = (
        MailMessage.select(MailMessage.id, MailMessage.kind)
        .where(
            (MailMessage.status == PENDING)
            & (MailMessage.next_attempt_at <= now)
            & (MailMessage.claimed_until.is_null() | (MailMessage.claimed_until < now))
        )
        # A backlog of notices past the limit must not keep a link waiting a sweep.
        .order_by(Case(None, [(is_link, 0)], 1), MailMessage.next_attempt_at)
        .limit(limit)
    )
    return [Due(row.id, priority_of(row.kind)) for row in query]


def another_went_to_address_within(message: MailMessage, seconds: int) -> bool:
    """Tell whether an earlier message of this kind to this address, queued within
    ``seconds`` before this one, went out or may still (was not dropped).

    "Earlier" is by queue time (then id), so of two messages composed at once
    exactly the later one finds the other: the budget never drops both.
    """
    since = message.created_at - timedelta(seconds=seconds)
    earlier = (MailMessage.created_at < message.created_at) | (
        (MailMessage.created_at == message.created_at) & (MailMessage.id < message.id)
    )
    return (
        MailMessage.select()
        .where(
            (MailMessage.kind == message.kind)
            & (MailMessage.recipient == message.recipient)
            & (MailMessage.created_at >= since)
            & earlier
            & (MailMessage.status != DROPPED)
        )
        .exists()
    )


def recently_queued(kind: str, user_id: str, seconds: int) -> bool:
    """Tell whether a message of this kind was queued for the user in the last ``seconds``."""
    since = utcnow() - timedelta(seconds=seconds)
    return (
        MailMessage.select()
        .where(
            (MailMessage.kind == kind)
            & (MailMessage.user_id == user_id)
            & (MailMessage.created_at > since)
            & (MailMessage.status != DROPPED)
        )
        .exists()
    )


def oldest_pending_age() -> float | None:
    """Seconds the oldest undelivered message has waited (None when none waits)."""
    oldest = MailMessage.select(MailMessage.created_at).where(MailMessage.status == PENDING)
    first = oldest.order_by(MailMessage.created_at).limit(1).scalar()
    return (utcnow() - first).total_seconds() if first else None


def retry(message_id: str) -> bool:
    """Bring a failed message back for another round of attempts (an operator's call)."""
    now = utcnow()
    updated = (
        MailMessage.update(
            status=PENDING, next_attempt_at=now, claimed_until=None, attempts=0, created_at=now
        )
        .where((MailMessage.id == message_id) & (MailMessage.status == FAILED))
        .execute()
    )
    if updated:
        kind = MailMessage.select(MailMessage.kind).where(MailMessage.id == message_id).scalar()
        _ask_for_delivery(message_id, priority_of(kind))
    return bool(updated)


def waiting_and_failed(*, include_finished: bool = False) -> list[MailMessage]:
    """Return the messages an operator looks at: pending, retrying and failed, oldest first."""
    query = MailMessage.select().order_by(MailMessage.created_at, MailMessage.id)
    if not include_finished:
        query = query.where(MailMessage.status.in_((PENDING, FAILED)))
    return list(query)


def failed_ids() -> list[str]:
    """Return every message that was given up."""
    return [
        row.id for row in MailMessage.select(MailMessage.id).where(MailMessage.status == FAILED)
    ]
