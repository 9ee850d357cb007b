"""Changing a signed-in person's password (they know the current one)."""

from collections.abc import Callable
from contextlib import suppress

from flowpulse import audit
from flowpulse.database import write_transaction
from flowpulse.mail import MailNotSent
from flowpulse.messages import send_password_changed_email
from flowpulse.models import Session, User
from flowpulse.services import sessions
from flowpulse.services.credentials import check_new_password, set_password


def change_password(
    user: User,
    new_password: str,
    *,
    renew_session: Callable[[], Session],
    end_other_sessions: bool,
) -> Session:
    """Set a new password, renew this device's session, maybe end the others.

    ``renew_session`` replaces the caller's session row (and cookie token) and
    returns the new row; it runs in the same transaction as the new hash, so
    either everything changes or nothing does. Raises ``WeakPassword`` before
    any write. Returns the session that stays signed in.
    """
    check_new_password(new_password, name=user.name, email=user.email)
    with write_transaction():
        set_password(user, new_password)
        kept = renew_session()
        if end_other_sessions:
            sessions.end_sessions_of(user.id, keep_session_id=kept.id)
    audit.record("password.changed", user=user.id)
    # The change stands; the notice is a courtesy.
    with suppress(MailNotSent):
        send_password_changed_email(user)
    return kept
