"""Changing a signed-in person's email address, once the new one is verified.

Nothing changes until the link sent to the new address is used; until then
sign-in keeps using the old address, which is told about the request. An
address that already has an account gets no link, so such a change can never
be applied, and the person asking sees exactly what any other request shows.

Applying a change is a change of credentials: every other emailed link of the
account dies, every other device is signed out, and the old address is told.
"""

from peewee import IntegrityError

from flowpulse import signals
from flowpulse.core.database import transaction
from flowpulse.core.models import User
from flowpulse.core.models import mail as kinds
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.exceptions import EmailTaken
from flowpulse.services.messages import (
    queue_address_in_use_notice,
    queue_email_change_link,
    queue_notice,
)
from flowpulse.services.proven_address import Kept, prove_address


class SameEmail(ValueError):
    """The new address is the one the account already has."""


def request_email_change(user: User, new_email: str) -> None:
    """Queue a link to ``new_email`` (normalised) and a notice to the current address.

    Both paths do the same work: an older change link of the account is
    discarded, and two messages are queued. A free address gets the link;
    an address that already has an account gets a notice instead (its owner
    learns someone tried), so no change to it can ever be applied and the
    answer's timing does not tell the requester it is taken.
    """
    if new_email == user.email:
        raise SameEmail(new_email)
    with transaction():
        tokens.discard_tokens(tokens.CHANGE_EMAIL, user.id)
        if User.by_email(new_email) is None:
            queue_email_change_link(user, new_email)
        else:
            queue_address_in_use_notice(new_email)
        queue_notice(kinds.EMAIL_CHANGE_NOTICE, user, new_email=new_email)
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
                User.update(email=new_email).where(User.id == user.id).execute()
        except IntegrityError:
            raise EmailTaken(new_email) from None
        user.email = new_email
        # The link proved the new address, and the signed-in requester owned
        # the account: its ways in stay; other sessions and every link end.
        prove_address(user, Kept(everything=True, keep_session_id=keep_session_id))
        queue_notice(
            kinds.EMAIL_CHANGED,
            user,
            to=old_email,
            new_email=new_email,
            old_was_verified=old_was_verified,
        )
        signals.send(signals.email_changed, user=user, old_email=old_email)
    return user
