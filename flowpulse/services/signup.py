"""Creating accounts: a user row and its password account, in one transaction.

An address belongs to whoever proves it. So a sign-up that meets an account
whose address was never verified starts that account over: whatever its
creator chose (password, name, picture, other sign-in methods, passkeys, the
authenticator app, links, sessions) is discarded, the address is told what
went (``proven_address.remove_rivals``), and only the person who opens the
new link — sent to the address, bound to this browser — gets in.
"""

from typing import NamedTuple

from flask import current_app
from peewee import IntegrityError

from flowpulse import signals
from flowpulse.core.database import transaction
from flowpulse.core.email_address import normalize_email
from flowpulse.core.models import CREDENTIAL_PROVIDER, Account, User
from flowpulse.core.passwords import hash_password
from flowpulse.core.text import display_name
from flowpulse.services.credentials import check_new_password
from flowpulse.services.exceptions import EmailTaken
from flowpulse.services.messages import queue_already_registered_notice, queue_verification
from flowpulse.services.proven_address import Kept, remove_rivals
from flowpulse.services.signup_policy import BY_PASSWORD, ask_signup_policy


def register_user(
    name: str, email: str, password: str, *, verified: bool = False, by: str | None = None
) -> User:
    """Create a user with a password account; raise ``EmailTaken`` on a duplicate.

    For ``flask users create`` (``by="cli"``): the name, the address, the
    product's sign-up policy and the password are checked here
    (``InvalidName``, ``InvalidEmail``, ``SignUpRefused``, ``WeakPassword``).
    Uniqueness is the database's job: two concurrent creations with one
    address make exactly one user.
    """
    name, email = display_name(name), normalize_email(email)
    ask_signup_policy(email, name, by or BY_PASSWORD)
    check_new_password(password, name=name, email=email)
    return _create(name, email, hash_password(password), verified=verified, by=by)


def _create(
    name: str,
    email: str,
    hashed: str,
    *,
    verified: bool,
    by: str | None = None,
    send_link: bool = False,
    browser: str | None = None,
) -> User:
    """Insert the user and its password (and queue its verification link if asked)."""
    try:
        with transaction():
            user = User.create(name=name, email=email, email_verified=verified)
            _give_password(user, hashed)
            if send_link:
                queue_verification(user, browser=browser)
            signals.send(signals.user_signed_up, user=user, by=by)
    except IntegrityError:
        # The email was already taken, which made the user insert fail.
        raise EmailTaken(email) from None
    return user


class SignUp(NamedTuple):
    """What a sign-up did: the account this browser may finish signing up
    (None for an address that belongs to someone else)."""

    user: User | None


def sign_up(name: str, email: str, password: str, *, browser: str | None = None) -> SignUp:
    """Register a new account the way the sign-up form promises.

    With verification required, an address that already has a verified
    account gets the same answer as a new one ("check your inbox") and its
    owner is emailed instead; an address whose account was never verified
    starts that account over (see the module's docstring). The link goes to
    the address and may sign in only the browser whose secret's digest is
    ``browser``. With verification off, a taken address raises ``EmailTaken``
    (the form says so: a documented trade-off). Raises ``SignUpRefused``
    (the product's policy), then ``WeakPassword``, before anything else, so
    both are answered alike for new and taken addresses. Every path queues
    one message, in the transaction of its change, and none waits for SMTP.
    """
    name, email = display_name(name), normalize_email(email)
    # Asked before the address is looked up: a refused address gets the same
    # answer whether or not it has an account (no enumeration).
    ask_signup_policy(email, name, BY_PASSWORD)
    check_new_password(password, name=name, email=email)
    hashed = hash_password(password)  # outside the transaction: it takes ~35 ms
    if not current_app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"]:
        return SignUp(_create(name, email, hashed, verified=True))
    try:
        return SignUp(_create(name, email, hashed, verified=False, send_link=True, browser=browser))
    except EmailTaken:
        pass
    user = _start_over_if_unproven(name, email, hashed, browser)
    if user is None:
        _tell_owner_of_attempt(email)
    return SignUp(user)


def _start_over_if_unproven(name: str, email: str, hashed: str, browser: str | None) -> User | None:
    """Give an unverified account of ``email`` to this sign-up; None if it is verified."""
    with transaction():
        existing = User.by_email(email)
        if existing is None or existing.email_verified:
            return None
        user = User.locked(existing.id)
        if user is None or user.email_verified:
            return None  # deleted or verified in between
        # Every way in its creator chose goes (the one rule: proven_address),
        # and the address is told what went.
        remove_rivals(user, Kept(), started_over=True)
        _give_password(user, hashed)
        User.update(name=name, image=None).where(User.id == user.id).execute()
        user.name, user.image = name, None
        queue_verification(user, browser=browser)
    return user


def _give_password(user: User, hashed: str) -> None:
    Account.create(user=user, account_id=user.id, provider_id=CREDENTIAL_PROVIDER, password=hashed)


def _tell_owner_of_attempt(email: str) -> None:
    """Email the owner of a taken address (the stranger learns nothing)."""
    owner = User.by_email(email)
    if owner is not None:  # else deleted in between; nothing to tell
        queue_already_registered_notice(owner)
