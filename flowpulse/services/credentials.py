"""Passwords of accounts: checking new ones, signing in, setting and re-checking."""

from flask import current_app

from flowpulse.email_address import InvalidEmail, normalize_email
from flowpulse.models import CREDENTIAL_PROVIDER, Account, User
from flowpulse.passwords import (
    hash_password,
    password_problems,
    spend_one_hash,
    verify_password,
)


class WeakPassword(ValueError):
    """A new password breaks the policy; ``problems`` says how, in words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class WrongCredentials(Exception):
    """The email or the password is wrong; which one is never said."""


class EmailNotVerified(Exception):
    """The password is right but the address is not verified yet."""

    def __init__(self, user: User):
        super().__init__(user.email)
        self.user = user


def check_new_password(password: str, *, name: str = "", email: str = "") -> None:
    """Raise ``WeakPassword`` unless the password meets the policy."""
    config = current_app.config
    local_part = email.split("@")[0] if email else ""
    problems = password_problems(
        password,
        min_length=config["AUTH_PASSWORD_MIN_LENGTH"],
        max_length=config["AUTH_PASSWORD_MAX_LENGTH"],
        user_inputs=[name, *name.split(), email, local_part, "flowpulse"],
    )
    if problems:
        raise WeakPassword(problems)


def authenticate(email: str, password: str) -> User:
    """Return the user these credentials belong to.

    Raises ``WrongCredentials`` (unknown email and wrong password alike, after
    the same hashing work) or ``EmailNotVerified`` when verification is
    required and the password is right. An outdated hash is upgraded here.
    """
    try:
        user = User.by_email(normalize_email(email))
    except InvalidEmail:
        user = None
    account = Account.credential_of(user.id) if user else None
    if account is None or not account.password:
        spend_one_hash()  # unknown accounts cost what known ones do
        raise WrongCredentials
    matches, needs_rehash = verify_password(account.password, password)
    if not matches:
        raise WrongCredentials
    if needs_rehash:
        _store_hash(account, hash_password(password))
    if current_app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"] and not user.email_verified:
        raise EmailNotVerified(user)
    return user


def password_matches(user: User, password: str) -> bool:
    """Re-check a signed-in person's current password (re-authentication)."""
    account = Account.credential_of(user.id)
    matches, _ = verify_password(account.password if account else None, password)
    return matches


def set_password(user: User, password: str) -> None:
    """Hash and store a user's password, creating the credential account if needed."""
    hashed = hash_password(password)
    account = Account.credential_of(user.id)
    if account is None:
        Account.create(
            user=user, account_id=user.id, provider_id=CREDENTIAL_PROVIDER, password=hashed
        )
    else:
        _store_hash(account, hashed)


def _store_hash(account: Account, hashed: str) -> None:
    Account.update(password=hashed).where(Account.id == account.id).execute()
