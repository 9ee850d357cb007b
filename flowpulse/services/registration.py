"""Creating accounts: a user row and its password account, in one transaction."""

from contextlib import suppress

from flask import current_app
from peewee import IntegrityError

from flowpulse.database import db
from flowpulse.mail import MailNotSent
from flowpulse.messages import send_already_registered_email
from flowpulse.models import CREDENTIAL_PROVIDER, Account, User
from flowpulse.passwords import hash_password
from flowpulse.services.credentials import check_new_password
from flowpulse.services.email_verification import send_verification
from flowpulse.services.exceptions import EmailTaken

#: Display names: trimmed, 1-100 characters.
MAX_NAME_LENGTH = 100


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


def sign_up(name: str, email: str, password: str) -> User | None:
    """Register a new account the way the sign-up form promises.

    With verification required, an address that already has an account gets
    the same answer as a new one ("check your inbox") and its owner is
    emailed instead; returns the new user, or None for such an address. With
    verification off, a taken address raises ``EmailTaken`` (the form says so:
    a documented trade-off). Raises ``WeakPassword`` before anything else, so
    a weak password is refused alike for new and taken addresses.
    """
    check_new_password(password, name=name, email=email)
    require_verification = current_app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"]
    try:
        user = register_user(name, email, password, verified=not require_verification)
    except EmailTaken:
        if not require_verification:
            raise
        _tell_owner_of_attempt(email)
        return None
    if require_verification:
        send_verification(user)
    return user


def _tell_owner_of_attempt(email: str) -> None:
    """Email the owner of a taken address (the stranger learns nothing)."""
    owner = User.by_email(email)
    if owner is None:  # deleted in between; nothing to tell
        return
    # Logged by send_email; the answer must match a new sign-up's.
    with suppress(MailNotSent):
        send_already_registered_email(owner)
