"""Changing a signed-in person's email address, once the new one is verified.

Nothing changes until the link sent to the new address is used; until then
sign-in keeps using the old address, which is told about the request. An
address that already has an account gets no link, so such a change can never
be applied, and the person asking sees exactly what any other request shows.
"""

from contextlib import suppress

from flask import current_app
from peewee import IntegrityError

from flowpulse import audit
from flowpulse.database import db
from flowpulse.mail import MailNotSent
from flowpulse.messages import (
    send_address_in_use_notice,
    send_email_change_link,
    send_email_change_notice,
)
from flowpulse.models import User
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.exceptions import EmailTaken


class SameEmail(ValueError):
    """The new address is the one the account already has."""


def request_email_change(user: User, new_email: str) -> None:
    """Send a link to ``new_email`` (normalised) and a notice to the current one."""
    if new_email == user.email:
        raise SameEmail(new_email)
    if User.by_email(new_email) is None:
        token = tokens.issue_token(
            tokens.CHANGE_EMAIL,
            user.id,
            current_app.config["AUTH_VERIFICATION_TOKEN_TTL"],
            payload=new_email,
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
    audit.record("email-change.requested", user=user.id)


def apply_email_change(use: tokens.TokenUse) -> User:
    """Apply a consumed change-email token (call inside its transaction).

    Uniqueness is re-checked by the database at this moment: if someone
    registered the address meanwhile, ``EmailTaken`` is raised.
    """
    user = User.get_or_none(User.id == use.user_id)
    if user is None or not use.payload:
        raise tokens.InvalidToken("the account no longer exists")
    try:
        with db.atomic():
            User.update(email=use.payload, email_verified=True).where(User.id == user.id).execute()
    except IntegrityError:
        raise EmailTaken(use.payload) from None
    user.email, user.email_verified = use.payload, True
    audit.record("email-change.applied", user=user.id)
    return user
