"""Changing a signed-in person's email address, once the new one is verified.

Nothing changes until the link sent to the new address is used; until then
sign-in keeps using the old address, which is told about the request. An
address that already has an account gets no link, so such a change can never
be applied, and the person asking sees exactly what any other request shows.

Applying a change is a change of credentials: every other emailed link of the
account dies, every other device is signed out, and the old address is told.
"""

from contextlib import suppress

from flask import current_app
from peewee import IntegrityError

from flowpulse import signals
from flowpulse.core.database import after_commit, transaction
from flowpulse.core.mail import MailNotSent
from flowpulse.core.models import User
from flowpulse.services import sessions
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.exceptions import EmailTaken
from flowpulse.services.messages import (
    send_address_in_use_notice,
    send_email_change_link,
    send_email_change_notice,
    send_email_changed_notice,
)


class SameEmail(ValueError):
    """The new address is the one the account already has."""


def request_email_change(user: User, new_email: str) -> None:
    """Send a link to ``new_email`` (normalised) and a notice to the current one."""
    if new_email == user.email:
        raise SameEmail(new_email)
    if User.by_email(new_email) is None:
        token = tokens.issue_token(
            tokens.CHANGE_EMAIL,
            user,
            current_app.config["AUTH_VERIFICATION_TOKEN_TTL"],
            new_email=new_email,
        )
        # A failed send is logged; the person can ask again from the form.
        with suppress(MailNotSent):
            send_email_change_link(user, new_email, token)
    else:
        # Taken: no link exists, so no change can ever be applied. Its owner
        # is told instead, which also keeps both paths at two messages, so
        # the answer's timing does not tell the requester the address is taken.
        tokens.discard_tokens(tokens.CHANGE_EMAIL, user.id)
        with suppress(MailNotSent):
            send_address_in_use_notice(new_email)
    with suppress(MailNotSent):
        send_email_change_notice(user, new_email)
    signals.send(signals.email_change_requested, user=user)


def apply_email_change(use: tokens.TokenUse, *, keep_session_id: str | None = None) -> User:
    """Apply a consumed change-email token (call inside its transaction).

    Uniqueness is re-checked by the database at this moment: if someone
    registered the address meanwhile, ``EmailTaken`` is raised. Every other
    link of the account is discarded and every session but
    ``keep_session_id`` ends; once committed, the old address is told.
    """
    new_email = use.new_email
    with transaction():
        user = User.locked(use.user.id)
        if user is None or not new_email:
            raise tokens.InvalidToken("the account no longer exists")
        old_email, old_was_verified = user.email, user.email_verified
        try:
            with transaction():
                User.update(email=new_email, email_verified=True).where(
                    User.id == user.id
                ).execute()
        except IntegrityError:
            raise EmailTaken(new_email) from None
        user.email, user.email_verified = new_email, True
        tokens.discard_all_tokens(user.id)
        sessions.end_sessions_of(user.id, keep_session_id=keep_session_id)
        after_commit(lambda: _tell_old_address(user, old_email, old_was_verified))
        signals.send(signals.email_changed, user=user, old_email=old_email)
    return user


def _tell_old_address(user: User, old_email: str, old_was_verified: bool) -> None:
    """The change stands; the notice is a courtesy (a failed send is logged)."""
    with suppress(MailNotSent):
        send_email_changed_notice(user, old_email, old_was_verified)
