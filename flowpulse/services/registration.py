"""Creating accounts: a user row and its password account, in one transaction."""

from typing import NamedTuple

from flask import current_app
from peewee import IntegrityError

from flowpulse import audit
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
    audit.record("account.created", user=user.id)
    return user


class SignUp(NamedTuple):
    """What a sign-up did: the new user (None for a taken address), and
    whether its email went out."""

    user: User | None
    mail_sent: bool


def sign_up(name: str, email: str, password: str) -> SignUp:
    """Register a new account the way the sign-up form promises.

    With verification required, an address that already has an account gets
    the same answer as a new one ("check your inbox") and its owner is
    emailed instead. With verification off, a taken address raises
    ``EmailTaken`` (the form says so: a documented trade-off). Raises
    ``WeakPassword`` before anything else, so a weak password is refused
    alike for new and taken addresses.

    ``mail_sent`` is False when the SMTP server failed. Both paths send one
    message, so a mail outage looks the same for new and taken addresses and
    the page may tell the person to try again without revealing which it was.
    """
    check_new_password(password, name=name, email=email)
    require_verification = current_app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"]
    try:
        user = register_user(name, email, password, verified=not require_verification)
    except EmailTaken:
        if not require_verification:
            raise
        return SignUp(None, _tell_owner_of_attempt(email))
    if not require_verification:
        return SignUp(user, True)
    return SignUp(user, send_verification(user))


def _tell_owner_of_attempt(email: str) -> bool:
    """Email the owner of a taken address (the stranger learns nothing)."""
    owner = User.by_email(email)
    if owner is None:  # deleted in between; nothing to tell
        return True
    try:
        send_already_registered_email(owner)
    except MailNotSent:
        return False  # logged by send_email
    return True
