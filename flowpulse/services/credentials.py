"""Passwords of accounts: checking new ones, signing in, setting and re-checking."""

import logging
import re

from flask import current_app

from flowpulse import signals
from flowpulse.core import pwned_passwords
from flowpulse.core.database import transaction
from flowpulse.core.email_address import InvalidEmail, normalize_email
from flowpulse.core.models import CREDENTIAL_PROVIDER, Account, User
from flowpulse.core.models import mail as kinds
from flowpulse.core.passwords import (
    hash_password,
    normalize,
    password_problems,
    spend_one_hash,
    verify_password,
)
from flowpulse.services import pending_sign_ins, sessions
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.messages import queue_notice

log = logging.getLogger(__name__)

#: What splits a name or an address into the words someone would guess.
_WORD_BREAKS = re.compile(r"[\s._+\-@]+")

#: Said of a new password the Pwned Passwords service knows from a breach.
BREACHED = (
    "This password has appeared in a data breach, so attackers try it early. Please choose another."
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


class AccountGone(Exception):
    """The account was deleted while the change was on its way."""


def personal_words(name: str, email: str) -> list[str]:
    """Return what an attacker who knows the person tries first.

    The whole name and address, and every part of them: "Ada Newcomer",
    ``ada.newcomer@example.org`` gives ada, newcomer, example, org.
    """
    words = [name, email, *_WORD_BREAKS.split(name), *_WORD_BREAKS.split(email)]
    words.append(" ".join(_WORD_BREAKS.split(email)))
    return [word for word in dict.fromkeys(words) if word] + ["flowpulse"]


def check_new_password(password: str, *, name: str = "", email: str = "") -> None:
    """Raise ``WeakPassword`` unless the password meets the policy."""
    config = current_app.config
    problems = password_problems(
        password,
        min_length=config["AUTH_PASSWORD_MIN_LENGTH"],
        max_length=config["AUTH_PASSWORD_MAX_LENGTH"],
        user_inputs=personal_words(name, email),
    )
    if problems:
        raise WeakPassword(problems)
    if _breached(password):
        raise WeakPassword([BREACHED])


def _breached(password: str) -> bool:
    """Ask the configured Pwned Passwords service; no answer never refuses a password."""
    base_url = current_app.config["AUTH_PWNED_PASSWORDS_URL"]
    if not base_url:
        return False
    try:
        # NFKC, as hashed: any spelling of the breached text would sign in.
        return pwned_passwords.times_breached(normalize(password), base_url) > 0
    except pwned_passwords.Unavailable as error:
        # Fail open, and say so; never the password, its hash or the prefix.
        log.warning(
            "Pwned Passwords at %s gave no answer (%s): a new password was accepted unchecked",
            base_url,
            error,
        )
        return False


def authenticate(email: str, password: str) -> User:
    """Return the user these credentials belong to.

    Raises ``WrongCredentials`` (unknown email and wrong password alike, after
    the same query and the same hashing work) or ``EmailNotVerified`` when
    verification is required and the password is right. An outdated hash is
    upgraded here.
    """
    try:
        address = normalize_email(email)
    except InvalidEmail:
        address = ""  # matches no account, through the same query
    user, stored_hash = User.with_password(address)
    if stored_hash is None:
        spend_one_hash()  # unknown accounts cost what known ones do
        raise WrongCredentials
    matches, needs_rehash = verify_password(stored_hash, password)
    if not matches:
        raise WrongCredentials
    if needs_rehash:
        _store_hash(user.id, hash_password(password))
    require_verified_address(user)
    return user


def require_verified_address(user: User) -> None:
    """Raise ``EmailNotVerified`` when verification is required and the address is not verified.

    The one rule every proof of who someone is meets before it signs them
    in: a password, a provider identity, a passkey.
    """
    if current_app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"] and not user.email_verified:
        raise EmailNotVerified(user)


def password_matches(user: User, password: str) -> bool:
    """Re-check a signed-in person's current password (re-authentication)."""
    account = Account.credential_of(user.id)
    matches, _ = verify_password(account.password if account else None, password)
    return matches


def set_password(user: User, password: str, *, by: str | None = None) -> int:
    """Set someone's password for them (an operator): the account's one way back in.

    The web's rules for a new password: the policy first (``WeakPassword``
    before any write), then in one transaction the new hash, every emailed
    link dead and every session ended; the owner is emailed once it commits.
    Returns how many sessions ended.
    """
    hashed = prepare_password(user, password)
    with transaction():
        ended = store_password(user, hashed)
        notify_password_changed(user)
        signals.send(signals.password_changed, user=user, by=by)
    return ended


def notify_password_changed(user: User) -> None:
    """Queue the notice telling the owner their password changed (in the change's transaction)."""
    queue_notice(kinds.PASSWORD_CHANGED, user)


def prepare_password(user: User, password: str) -> str:
    """Check a new password against the policy and return its hash (``WeakPassword``).

    Done before the transaction that stores it: hashing takes ~35 ms, which
    no write lock should wait for.
    """
    check_new_password(password, name=user.name, email=user.email)
    return hash_password(password)


def store_password(
    user: User, hashed: str, *, keep_session_id: str | None = None, end_sessions: bool = True
) -> int:
    """Store a password hash and close the ways in the old password opened.

    In one transaction: the hash is stored (creating the password account if
    the person had none), every emailed link of the user dies (a reset or
    email-change link mailed before this must not outlive it), every sign-in
    waiting for its second step ends, and, unless
    ``end_sessions`` is false, every session but ``keep_session_id`` ends.
    Returns how many sessions ended; raises ``AccountGone`` if the user was
    deleted meanwhile.
    """
    with transaction():
        if User.locked(user.id) is None:
            raise AccountGone(user.id)
        if not _store_hash(user.id, hashed):
            Account.create(
                user=user.id, account_id=user.id, provider_id=CREDENTIAL_PROVIDER, password=hashed
            )
        tokens.discard_all_tokens(user.id)
        # A sign-in proven with the old password must not finish its second step.
        pending_sign_ins.end_all_of(user.id)
        if not end_sessions:
            return 0
        return sessions.end_sessions_of(user.id, keep_session_id=keep_session_id)


def _store_hash(user_id: str, hashed: str) -> bool:
    """Replace the user's password hash; False when they have no password account."""
    updated = (
        Account.update(password=hashed)
        .where(
            (Account.user == user_id)
            & (Account.provider_id == CREDENTIAL_PROVIDER)
            & (Account.account_id == user_id)
        )
        .execute()
    )
    return updated > 0
