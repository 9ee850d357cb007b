"""Forgotten passwords: emailing a reset link, and using it once."""

from contextlib import suppress

from flask import current_app

from flowpulse import audit
from flowpulse.database import write_transaction
from flowpulse.email_address import InvalidEmail, normalize_email
from flowpulse.mail import MailNotSent
from flowpulse.messages import send_password_changed_email, send_password_reset_email
from flowpulse.models import User
from flowpulse.services import sessions
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.credentials import check_new_password, set_password


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
        tokens.RESET_PASSWORD, user.id, current_app.config["AUTH_RESET_TOKEN_TTL"]
    )
    # Logged by send_email; the answer must not differ for known addresses.
    with suppress(MailNotSent):
        send_password_reset_email(user, token)
    audit.record("password-reset.requested", user=user.id)


def user_for_reset_token(token: str) -> User:
    """Return whose reset link this is, without using it (to show the form)."""
    use = tokens.peek_token(token, (tokens.RESET_PASSWORD,))
    user = User.get_or_none(User.id == use.user_id)
    if user is None:
        raise tokens.InvalidToken("the account no longer exists")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset link, once.

    Marks the address verified (the link proved the person reads it) and ends
    every session of the user. Signs nobody in. Raises ``InvalidToken`` or
    ``WeakPassword``; a refused password does not use the link up.
    """
    user = user_for_reset_token(token)
    check_new_password(new_password, name=user.name, email=user.email)
    with write_transaction():
        tokens.consume_token(token, (tokens.RESET_PASSWORD,))
        set_password(user, new_password)
        User.update(email_verified=True).where(User.id == user.id).execute()
        sessions.end_sessions_of(user.id)
        tokens.discard_tokens(tokens.RESET_PASSWORD, user.id)
    audit.record("password-reset.completed", user=user.id)
    # The change stands; the notice is a courtesy.
    with suppress(MailNotSent):
        send_password_changed_email(user)
    return user
