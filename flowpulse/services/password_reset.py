"""Forgotten passwords: emailing a reset link, and using it once."""

from flowpulse import signals
from flowpulse.core import audit
from flowpulse.core.database import transaction
from flowpulse.core.email_address import InvalidEmail, normalize_email
from flowpulse.core.models import User
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.credentials import (
    notify_password_changed,
    prepare_password,
    store_password,
)
from flowpulse.services.messages import queue_password_reset_asked_for
from flowpulse.services.proven_address import Kept, prove_address


def request_password_reset(email: str) -> None:
    """Queue a reset link for the account with this address; say nothing either way.

    Whether an account has the address is decided when the message goes out,
    and the link goes to the address then stored for the account: this
    request does the same work for every address, so neither its answer nor
    its timing tells who has an account.
    """
    try:
        address = normalize_email(email)
    except InvalidEmail:
        return  # the form refuses these; nobody's address
    queue_password_reset_asked_for(address)
    audit.record("password-reset.requested")


def user_for_reset_token(token: str) -> User:
    """Return whose reset link this is, without using it (to show the form)."""
    return tokens.peek_token(token, (tokens.RESET_PASSWORD,)).user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset link, once.

    Marks the address verified (the link proved the person reads it), ends
    every session of the user and discards their other links; on an address
    nobody had proven, every way in but the new password goes too
    (``proven_address``). Signs nobody in. Raises ``InvalidToken`` or
    ``WeakPassword``; a refused password does not use the link up.
    """
    user = user_for_reset_token(token)
    hashed = prepare_password(user, new_password)
    with transaction():
        tokens.consume_token(token, (tokens.RESET_PASSWORD,))
        store_password(user, hashed)  # locks the user's row
        current = User.locked(user.id)
        if not current.email_verified:
            prove_address(current, Kept(password=True))
        user.email_verified = True
        notify_password_changed(user)
        signals.send(signals.password_reset, user=user)
    return user
