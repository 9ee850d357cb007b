"""Deleting an account and everything that belongs to it."""

from flowpulse import audit
from flowpulse.database import write_transaction
from flowpulse.models import User
from flowpulse.services import verification_tokens as tokens


def delete_account(user: User) -> None:
    """Delete a user; their sessions and accounts go with them (ON DELETE CASCADE).

    Verification rows have no foreign key (their identifier is
    ``purpose:user_id``), so the user's pending links are deleted here, in the
    same transaction: a link must not outlive its account.
    """
    with write_transaction():
        tokens.discard_all_tokens(user.id)
        User.delete().where(User.id == user.id).execute()
    audit.record("account.deleted", user=user.id)
