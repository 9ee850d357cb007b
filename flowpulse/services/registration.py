"""Creating accounts: a user row and its password account, in one transaction."""

from peewee import IntegrityError

from flowpulse.database import db
from flowpulse.models import CREDENTIAL_PROVIDER, Account, User
from flowpulse.passwords import hash_password

#: Display names: trimmed, 1-100 characters.
MAX_NAME_LENGTH = 100


class EmailTaken(Exception):
    """An account with this address already exists."""


def register_user(name: str, email: str, password: str, *, verified: bool = False) -> User:
    """Create a user with a password account; raise ``EmailTaken`` on a duplicate.

    ``email`` must already be normalised and the password already checked
    against the policy. Uniqueness is the database's job: two concurrent
    sign-ups with one address make exactly one user.
    """
    hashed = hash_password(password)  # outside the transaction: it takes ~35 ms
    try:
        with db.atomic():
            user = User.create(name=name.strip(), email=email, email_verified=verified)
            Account.create(
                user=user,
                account_id=user.id,
                provider_id=CREDENTIAL_PROVIDER,
                password=hashed,
            )
    except IntegrityError:
        # The email was already taken, which made the user insert fail.
        raise EmailTaken(email) from None
    return user
