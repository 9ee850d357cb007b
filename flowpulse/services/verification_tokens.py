"""Emailed one-time tokens, stored in the ``verification`` table as digests.

A row's ``id`` is the token's selector, ``identifier`` is ``purpose:user_id``
(indexed, so a user's tokens are found and replaced), and ``value`` is the
verifier's SHA-256 followed by ``:`` and a small JSON object: the address the
link was mailed to, the account's address when it was issued, the new address
of an email change, and the digest of the browser a sign-up link may sign in.

A token is consumed by deleting its row: of two concurrent uses, exactly one
deletes it and wins. A token is also dead once its account's address is no
longer the one it was issued for, whatever happened to the row.
"""

import json
from datetime import timedelta
from typing import NamedTuple

from flowpulse.core.clock import utcnow
from flowpulse.core.database import transaction
from flowpulse.core.models import User, Verification
from flowpulse.core.models import mail as kinds
from flowpulse.core.tokens import digest, digests_match, new_split_token, parse_split_token
from flowpulse.services import mail_outbox as outbox

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 (a purpose name, not a secret)
CHANGE_EMAIL = "change-email"
#: Not emailed: the cookie of a browser that may skip the second step.
TRUST_DEVICE = "trust-device"

#: Every purpose a token can have.
PURPOSES = (VERIFY_EMAIL, RESET_PASSWORD, CHANGE_EMAIL, TRUST_DEVICE)

#: The queued messages of an account that would mint a link of each purpose.
#: (Resets and signed-out resends are queued by address and find the account
#: as it is when they go out, so there is nothing of theirs to drop.)
MESSAGES_CARRYING = {
    VERIFY_EMAIL: (kinds.VERIFY_EMAIL,),
    RESET_PASSWORD: (),
    CHANGE_EMAIL: (kinds.CHANGE_EMAIL,),
    TRUST_DEVICE: (),
}


class InvalidToken(Exception):
    """The link is unknown, already used, discarded, or for something else."""


class ExpiredToken(InvalidToken):
    """The link was real but its lifetime has passed."""


class TokenUse(NamedTuple):
    """What a valid token was issued for."""

    purpose: str
    user: User
    #: The address the link was mailed to.
    sent_to: str
    #: The new address, for an email change.
    new_email: str | None
    #: Digest of the secret of the browser this link may sign in (sign-up links).
    browser: str | None

    def signs_in(self, browser_secret: str | None) -> bool:
        """Tell whether this link may sign in the browser holding ``browser_secret``.

        Only a verification link, only in the browser it was issued to, and
        never for an address that is verified already.
        """
        return (
            self.purpose == VERIFY_EMAIL
            and not self.user.email_verified
            and self.browser is not None
            and browser_secret is not None
            and digests_match(self.browser, browser_secret)
        )


def identifier_for(purpose: str, user_id: str) -> str:
    """Return the ``verification.identifier`` of a user's tokens of one purpose."""
    return f"{purpose}:{user_id}"


def issue_token(
    purpose: str,
    user: User,
    ttl_seconds: int,
    *,
    new_email: str | None = None,
    browser: str | None = None,
    replace: bool = True,
) -> str:
    """Create a token for ``user``, replacing their older ones of this purpose.

    ``replace=False`` keeps the older ones (a person trusts several devices).

    Issuing is serialised per user (the user row is locked), so of two
    concurrent requests one link replaces the other's instead of both living.
    ``browser`` is the digest of a secret kept in the browser a sign-up link
    may sign in. Raises ``InvalidToken`` if the account no longer exists.
    """
    token = new_split_token()
    identifier = identifier_for(purpose, user.id)
    now = utcnow()
    with transaction():
        current = User.locked(user.id)
        if current is None:
            raise InvalidToken("the account no longer exists")
        details = {"to": new_email or current.email, "email": current.email, "new": new_email}
        if browser is not None:
            details["browser"] = browser
        value = digest(token.verifier) + ":" + json.dumps(details, separators=(",", ":"))
        if replace:
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
    """Check a token without using it up (to show what it will do)."""
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
    """Delete a user's outstanding tokens of one purpose, and drop the mail that would mint one."""
    identifier = identifier_for(purpose, user_id)
    Verification.delete().where(Verification.identifier == identifier).execute()
    outbox.drop_pending(user_id, MESSAGES_CARRYING[purpose])


def discard_all_tokens(user_id: str) -> None:
    """Delete every outstanding token of a user (through the indexed identifier).

    Every change of a password or an address calls this in its transaction:
    a link mailed before the change must not outlive it, and a link still
    waiting to be mailed must never be minted.
    """
    identifiers = [identifier_for(purpose, user_id) for purpose in PURPOSES]
    Verification.delete().where(Verification.identifier.in_(identifiers)).execute()
    outbox.drop_pending(user_id, sum(MESSAGES_CARRYING.values(), ()))


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
    stored_digest, _, encoded = row.value.partition(":")
    if purpose not in purposes or not digests_match(stored_digest, token.verifier):
        raise InvalidToken("unknown or already used")
    if row.is_expired():
        raise ExpiredToken("expired")
    details = _details(encoded)
    user = User.get_or_none(User.id == user_id)
    # The link was issued for the address the account had then: after the
    # address changed, a link mailed to the old one proves nothing.
    if user is None or details is None or user.email != details.get("email"):
        raise InvalidToken("the account changed since this link was sent")
    use = TokenUse(purpose, user, details["to"], details.get("new"), details.get("browser"))
    return row, use


def _details(encoded: str) -> dict | None:
    """Read a row's JSON details; None for rows written before links carried them."""
    try:
        details = json.loads(encoded)
    except ValueError:
        return None
    return details if isinstance(details, dict) and "email" in details else None
