"""Deleting an account and everything that belongs to it."""

from flowpulse import signals
from flowpulse.core.database import transaction
from flowpulse.core.models import User
from flowpulse.services import verification_tokens as tokens


def delete_account(user: User, *, by: str | None = None) -> bool:
    """Delete a user; their sessions and accounts go with them (ON DELETE CASCADE).

    Verification rows have no foreign key (their identifier is
    ``purpose:user_id``), so the user's pending links are deleted here, in the
    same transaction: a link must not outlive its account. Returns False when
    the user was already gone. ``by`` names an operator acting for them.
    """
    with transaction():
        tokens.discard_all_tokens(user.id)
        deleted = User.delete().where(User.id == user.id).execute()
        if deleted:
            signals.send(signals.user_deleted, user=user, by=by)
    return bool(deleted)
