"""Emailed one-time tokens, stored in the ``verification`` table as digests.

A row's ``id`` is the token's selector, ``identifier`` is ``purpose:user_id``
(indexed, so a user's older tokens of one purpose are found and replaced),
and ``value`` is the verifier's SHA-256, optionally followed by ``:payload``
(the new address of an email change). A token is consumed by deleting its
row: of two concurrent uses, exactly one deletes it and wins.
"""

from datetime import timedelta
from typing import NamedTuple

from flowpulse.clock import utcnow
from flowpulse.database import db
from flowpulse.models import Verification
from flowpulse.tokens import digest, digests_match, new_split_token, parse_split_token

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 (a purpose name, not a secret)
CHANGE_EMAIL = "change-email"

#: Every purpose a token can have.
PURPOSES = (VERIFY_EMAIL, RESET_PASSWORD, CHANGE_EMAIL)


class InvalidToken(Exception):
    """The link is unknown, already used, or for something else."""


class ExpiredToken(InvalidToken):
    """The link was real but its lifetime has passed."""


class TokenUse(NamedTuple):
    """What a valid token was issued for."""

    purpose: str
    user_id: str
    payload: str | None


def identifier_for(purpose: str, user_id: str) -> str:
    """Return the ``verification.identifier`` of a user's tokens of one purpose."""
    return f"{purpose}:{user_id}"


def issue_token(purpose: str, user_id: str, ttl_seconds: int, payload: str | None = None) -> str:
    """Create a token, replacing the user's older ones of this purpose."""
    token = new_split_token()
    identifier = identifier_for(purpose, user_id)
    value = digest(token.verifier) + (f":{payload}" if payload is not None else "")
    now = utcnow()
    with db.atomic():
        Verification.delete().where(Verification.identifier == identifier).execute()
        Verification.create(
            id=token.selector,
            identifier=identifier,
            value=value,
            created_at=now,
            updated_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    return token.text


def peek_token(text: str, purposes: tuple[str, ...]) -> TokenUse:
    """Check a token without using it up (e.g. to show the reset form)."""
    _row, use = _find(text, purposes)
    return use


def consume_token(text: str, purposes: tuple[str, ...]) -> TokenUse:
    """Use a token up; call inside the transaction of the change it allows.

    Raises ``InvalidToken`` (or ``ExpiredToken``) when it cannot be used,
    including when a concurrent request used it first.
    """
    row, use = _find(text, purposes)
    deleted = Verification.delete().where(Verification.id == row.id).execute()
    if deleted != 1:
        raise InvalidToken("this link was just used")
    return use


def discard_tokens(purpose: str, user_id: str) -> None:
    """Delete a user's outstanding tokens of one purpose."""
    identifier = identifier_for(purpose, user_id)
    Verification.delete().where(Verification.identifier == identifier).execute()


def discard_all_tokens(user_id: str) -> None:
    """Delete every outstanding token of a user (through the indexed identifier)."""
    identifiers = [identifier_for(purpose, user_id) for purpose in PURPOSES]
    Verification.delete().where(Verification.identifier.in_(identifiers)).execute()


def issued_within(purpose: str, user_id: str, seconds: int) -> bool:
    """Tell whether a token of this purpose was issued in the last ``seconds``."""
    since = utcnow() - timedelta(seconds=seconds)
    return (
        Verification.select()
        .where(
            (Verification.identifier == identifier_for(purpose, user_id))
            & (Verification.created_at > since)
        )
        .exists()
    )


def _find(text: str, purposes: tuple[str, ...]) -> tuple[Verification, TokenUse]:
    token = parse_split_token(text)
    if token is None:
        raise InvalidToken("not a link of ours")
    row = Verification.get_or_none(Verification.id == token.selector)
    if row is None:
        raise InvalidToken("unknown or already used")
    purpose, _, user_id = row.identifier.partition(":")
    stored_digest, _, payload = row.value.partition(":")
    if purpose not in purposes or not digests_match(stored_digest, token.verifier):
        raise InvalidToken("unknown or already used")
    if row.is_expired():
        raise ExpiredToken("expired")
    return row, TokenUse(purpose, user_id, payload or None)
