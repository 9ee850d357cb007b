"""Changing a signed-in person's password (they know the current one)."""

from collections.abc import Callable

from flowpulse import signals
from flowpulse.core.database import transaction
from flowpulse.core.models import Session, User
from flowpulse.services.credentials import (
    AccountGone,
    notify_password_changed,
    prepare_password,
    store_password,
)


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
    either everything changes or nothing does. Every emailed link of the
    account dies either way. Raises ``WeakPassword`` before any write, and
    ``AccountGone`` if the account was deleted meanwhile. Returns the session
    that stays signed in.
    """
    hashed = prepare_password(user, new_password)
    with transaction():
        # Locked first: a deletion racing this change wins or waits, and a
        # session is never renewed for an account that is gone.
        if User.locked(user.id) is None:
            raise AccountGone(user.id)
        kept = renew_session()
        store_password(user, hashed, keep_session_id=kept.id, end_sessions=end_other_sessions)
        notify_password_changed(user)
        signals.send(signals.password_changed, user=user)
    return kept
