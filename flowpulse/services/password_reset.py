"""Forgotten passwords: emailing a reset link, and using it once."""

from contextlib import suppress

from flask import current_app

from flowpulse import signals
from flowpulse.core import audit
from flowpulse.core.database import after_commit, transaction
from flowpulse.core.email_address import InvalidEmail, normalize_email
from flowpulse.core.mail import MailNotSent
from flowpulse.core.models import User
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.credentials import (
    notify_password_changed,
    prepare_password,
    store_password,
)
from flowpulse.services.messages import send_password_reset_email


def request_password_reset(email: str) -> None:
    """Email a reset link if an account has this address; say nothing either way.

    The link goes to the address stored for the account, never the one typed:
    a look-alike with a dotless i normalises to a different account.
    """
    try:
        user = User.by_email(normalize_email(email))
    except InvalidEmail:
        user = None
    if user is None:
        audit.record("password-reset.requested", user="unknown")
        return
    token = tokens.issue_token(
        tokens.RESET_PASSWORD, user, current_app.config["AUTH_RESET_TOKEN_TTL"]
    )
    # Logged by send_email; the answer must not differ for known addresses.
    with suppress(MailNotSent):
        send_password_reset_email(user, token)
    audit.record("password-reset.requested", user=user.id)


def user_for_reset_token(token: str) -> User:
    """Return whose reset link this is, without using it (to show the form)."""
    return tokens.peek_token(token, (tokens.RESET_PASSWORD,)).user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset link, once.

    Marks the address verified (the link proved the person reads it), ends
    every session of the user and discards their other links. Signs nobody
    in. Raises ``InvalidToken`` or ``WeakPassword``; a refused password does
    not use the link up.
    """
    user = user_for_reset_token(token)
    hashed = prepare_password(user, new_password)
    with transaction():
        tokens.consume_token(token, (tokens.RESET_PASSWORD,))
        store_password(user, hashed)
        User.update(email_verified=True).where(User.id == user.id).execute()
        user.email_verified = True
        after_commit(lambda: notify_password_changed(user))
        signals.send(signals.password_reset, user=user)
    return user
