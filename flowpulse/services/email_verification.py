"""Verifying addresses: the links that prove them, sending them again, using them.

A link is used only by an explicit confirmation (the page's button POSTs),
never by opening it: mail scanners open every link in a message. A sign-up
link signs in only the browser that signed up, and never an account that is
verified already.
"""

from typing import NamedTuple

from flowpulse.core.database import transaction
from flowpulse.core.models import User
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.email_change import apply_email_change
from flowpulse.services.messages import (
    queue_verification,
    queue_verification_asked_for,
    verification_sent_recently,
)
from flowpulse.services.proven_address import Kept, Removed, prove_address

#: The links a ``/verify/email/<token>`` URL can carry.
EMAIL_LINKS = (tokens.VERIFY_EMAIL, tokens.CHANGE_EMAIL)


def resend_verification(user: User, *, browser: str | None = None) -> bool:
    """Queue a new link unless the address is verified or one went out in the last minute.

    Returns whether a message was queued. The one-a-minute limit stops the
    form (and sign-in attempts) being used to flood someone's inbox.
    ``browser`` is the digest of a secret held by the browser the link may
    sign in (the one that just proved the password).
    """
    if user.email_verified or verification_sent_recently(user):
        return False
    queue_verification(user, browser=browser)
    return True


def resend_to_address(address: str) -> None:
    """Queue a new link for ``address`` (normalised), if an unverified account has it.

    Whether one has is decided when the message goes out: this request does
    the same work for every address, so its timing tells nobody anything.
    """
    queue_verification_asked_for(address)


def peek_email_link(token: str) -> tokens.TokenUse:
    """Tell what an address link would do, without using it (the confirmation page)."""
    return tokens.peek_token(token, EMAIL_LINKS)


class LinkUsed(NamedTuple):
    """What using an address link did."""

    purpose: str
    user: User
    #: Whether this browser may now be signed in as ``user``.
    signs_in: bool


def use_email_link(
    token: str, *, browser_secret: str | None = None, keep_session_id: str | None = None
) -> LinkUsed:
    """Use an address link: verify a new account's address or apply an email change.

    A verification link keeps the password the sign-up set (that sign-up
    asked for the link); every other way in goes (``proven_address``).
    ``browser_secret`` is what this browser kept when it signed up (if it
    did); ``keep_session_id`` is this browser's session when it is signed in
    to the account, which an applied email change leaves signed in. Raises
    ``InvalidToken`` when the link is unknown, used, discarded or expired, and
    ``EmailTaken`` when a changed-to address was registered meanwhile.
    """
    with transaction():
        use = tokens.consume_token(token, EMAIL_LINKS)
        if use.purpose == tokens.CHANGE_EMAIL:
            user = apply_email_change(use, keep_session_id=keep_session_id)
            return LinkUsed(use.purpose, user, False)
        signs_in = use.signs_in(browser_secret)
        user = User.locked(use.user.id)
        if user is None:
            raise tokens.InvalidToken("the account no longer exists")
        if not user.email_verified:
            prove_address(user, Kept(password=True))
    return LinkUsed(use.purpose, user, signs_in)


def mark_verified(user: User, *, by: str | None = None) -> Removed | None:
    """Mark an address verified (an operator vouches for it); None if it was already.

    The operator vouches for the address, not for how the account was set
    up: the password stays, every other way in goes, and what went is
    returned (and mailed to the owner).
    """
    with transaction():
        current = User.locked(user.id)
        if current is None or current.email_verified:
            return None
        removed = prove_address(current, Kept(password=True), by=by)
    user.email_verified = True
    return removed
