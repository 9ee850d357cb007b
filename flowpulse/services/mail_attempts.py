"""A worker's attempts at one outbox message: claiming it, and recording how each went.

A worker owns a message while it delivers it (``claim``): two workers never
send one message, and a worker that died mid-delivery gives it up when its
claim runs out (then it is sent again: at most one duplicate). Each attempt
ends in one record: sent, dropped (no longer wanted), or failed, which
either schedules the next attempt (waits doubling) or gives the message up.
"""

from datetime import timedelta

from flask import current_app

from flowpulse.core.clock import utcnow
from flowpulse.core.models import MailMessage
from flowpulse.core.models.mail import DROPPED, FAILED, PENDING, SENT

#: How long a worker owns a message it is delivering, in SMTP timeouts (one
#: attempt is a connection and a reply, each bounded by ``MAIL_TIMEOUT``),
#: plus a few seconds.
CLAIM_TIMEOUTS = 3
CLAIM_MARGIN_SECONDS = 5

#: The longest wait between two attempts (they start at ``MAIL_RETRY_AFTER``
#: and double).
LONGEST_RETRY_SECONDS = 3600


def claim(message_id: str) -> MailMessage | None:
    """Take a due message for delivery; None if it is not due or another worker has it."""
    now = utcnow()
    timeout = float(current_app.config["MAIL_TIMEOUT"])
    until = now + timedelta(seconds=CLAIM_TIMEOUTS * timeout + CLAIM_MARGIN_SECONDS)
    claimed = (
        MailMessage.update(claimed_until=until, attempts=MailMessage.attempts + 1, updated_at=now)
        .where(
            (MailMessage.id == message_id)
            & (MailMessage.status == PENDING)
            & (MailMessage.next_attempt_at <= now)
            & (MailMessage.claimed_until.is_null() | (MailMessage.claimed_until < now))
        )
        .execute()
    )
    return MailMessage.get_or_none(MailMessage.id == message_id) if claimed else None


def still_wanted(message: MailMessage) -> bool:
    """Tell whether a claimed message was not dropped meanwhile (read inside a transaction)."""
    status = MailMessage.select(MailMessage.status).where(MailMessage.id == message.id).scalar()
    return status == PENDING


def record_sent(message: MailMessage) -> None:
    """The SMTP server took the message."""
    _finish(message, SENT, sent_at=utcnow(), last_error=None)


def record_dropped(message: MailMessage, reason: str) -> None:
    """The message is no longer wanted (see ``DROPPED``)."""
    _finish(message, DROPPED, last_error=reason)


def record_failure(message: MailMessage, error: str) -> float | None:
    """Note a failed attempt; return the seconds until the next one, or None if given up."""
    now = utcnow()
    if message.age(now) >= int(current_app.config["MAIL_GIVE_UP_AFTER"]):
        _finish(message, FAILED, last_error=error)
        return None
    first = float(current_app.config["MAIL_RETRY_AFTER"])
    wait = min(first * 2 ** max(message.attempts - 1, 0), LONGEST_RETRY_SECONDS)
    MailMessage.update(
        next_attempt_at=now + timedelta(seconds=wait), claimed_until=None, last_error=error
    ).where(MailMessage.id == message.id).execute()
    return wait


def _finish(message: MailMessage, status: str, **fields) -> None:
    MailMessage.update(status=status, claimed_until=None, **fields).where(
        MailMessage.id == message.id
    ).execute()
