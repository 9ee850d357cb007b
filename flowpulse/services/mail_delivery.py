"""Delivering one queued message: claim it, compose it, hand it to SMTP, record what happened.

A refusal, a timeout or a connection error is retried with backoff: the
second attempt ``MAIL_RETRY_AFTER`` (30 s) later, each wait then doubling,
at most an hour apart, until ``MAIL_GIVE_UP_AFTER`` has passed since the
message was queued; then it is given up with one ERROR line that names its
kind and recipient, never its link.
"""

import logging
from collections.abc import Callable

from flowpulse.core.clock import utcnow
from flowpulse.core.mail import MailNotSent, build_message, transmit
from flowpulse.services import mail_attempts as attempts
from flowpulse.services.mail_composing import compose

log = logging.getLogger(__name__)


def deliver(message_id: str, *, watch: Callable[[float], None] | None = None) -> float | None:
    """Deliver one message if it is due and nobody else has it.

    ``watch(seconds)`` is called once the message is ours, with how long the
    claim lasts: the queue schedules another look then, so a worker that dies
    mid-delivery delays the message by one claim, not until the next sweep.
    Returns the seconds until the next attempt after a failure (None when
    there is nothing more to do: sent, dropped, given up, or not ours).
    """
    message = attempts.claim(message_id)
    if message is None:
        return None
    if watch is not None:
        watch((message.claimed_until - utcnow()).total_seconds() + 1)
    composed = compose(message)
    if isinstance(composed, str):
        attempts.record_dropped(message, composed)
        log.info("mail %s (%s) not sent: %s", message.id, message.kind, composed)
        return None
    email = build_message(
        composed.to, composed.subject, composed.template, message_id=message.id, **composed.context
    )
    try:
        answer = transmit(email)
    except MailNotSent as exc:
        return _failed(message, composed.to, str(exc))
    attempts.record_sent(message)
    log.info("mail %s (%s) to %s: %s", message.id, message.kind, composed.to, answer)
    return None


def _failed(message, to: str, error: str) -> float | None:
    retry_in = attempts.record_failure(message, error)
    if retry_in is None:
        log.error(
            "gave up mail %s (%s) to %s after %d attempts: %s",
            message.id,
            message.kind,
            to,
            message.attempts,
            error,
        )
    else:
        log.warning(
            "mail %s (%s) to %s failed (attempt %d), retrying in %d s: %s",
            message.id,
            message.kind,
            to,
            message.attempts,
            retry_in,
            error,
        )
    return retry_in
