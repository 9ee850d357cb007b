"""Sign-ins waiting for their second step: who, how, and how many wrong codes, on the server.

The browser keeps only a random token; everything that limits the second
step lives in ``pending_sign_in``, so a replayed or copied cookie buys
nothing. A pending sign-in lives five minutes, allows five wrong codes in
all (counted by one atomic UPDATE each), is used once (deleted by the request
that completes it), and dies with the password it was proven with.
"""

import json
import secrets
from datetime import timedelta

from peewee import JOIN

from flowpulse.core import crypto
from flowpulse.core.clock import utcnow
from flowpulse.core.database import transaction
from flowpulse.core.models import Account, PendingSignIn, User
from flowpulse.core.models import mail as kinds
from flowpulse.core.tokens import digest
from flowpulse.services.messages import queue_notice

#: Seconds a pending sign-in lives.
PENDING_SECONDS = 300

#: Wrong codes a pending sign-in allows before the person starts over.
MAX_CODES = 5

#: Wrong codes after which the owner is emailed: whoever types them has the password.
NOTIFY_AFTER = 3

#: Bytes of randomness in the browser's token (256 bits).
TOKEN_BYTES = 32


def credential_version(user_id: str) -> str:
    """Return a digest of the account's password hash ("" without one).

    A pending sign-in remembers it; a password changed or reset since makes
    the digest differ, and the pending sign-in dead.
    """
    credential = Account.credential_of(user_id)
    return digest(credential.password) if credential and credential.password else ""


def hold(
    user: User,
    *,
    method: str,
    remember: bool,
    next_url: str | None,
    carried: dict | None = None,
) -> str:
    """Record a sign-in proven by its first factor; return the token its browser keeps."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    PendingSignIn.create(
        id=digest(token),
        user=user.id,
        method=method,
        remember=remember,
        next_url=next_url,
        credential_version=credential_version(user.id),
        carried=crypto.encrypt(json.dumps(carried)) if carried else None,
        created_at=now,
        expires_at=now + timedelta(seconds=PENDING_SECONDS),
    )
    return token


def find(token: str | None) -> PendingSignIn | None:
    """Return the live pending sign-in of ``token`` (its ``user`` loaded), or None.

    None when unknown, expired, out of codes, its account deleted, or its
    password changed since the first factor was proven.
    """
    if not isinstance(token, str) or not token:
        return None
    pending = (
        PendingSignIn.select(PendingSignIn, User)
        .join(User, JOIN.INNER)
        .where(
            (PendingSignIn.id == digest(token))
            & (PendingSignIn.expires_at > utcnow())
            & (PendingSignIn.wrong_codes < MAX_CODES)
        )
        .first()
    )
    if pending is None or pending.credential_version != credential_version(pending.user_id):
        return None
    return pending


def carried(pending: PendingSignIn) -> dict | None:
    """Return what the sign-in brings along once it completes (decrypted), if anything."""
    return json.loads(crypto.decrypt(pending.carried)) if pending.carried else None


def count_wrong_code(pending: PendingSignIn) -> bool:
    """Count one wrong code atomically; return whether the pending sign-in may go on.

    The owner is emailed once, at the ``NOTIFY_AFTER``-th wrong code; the
    last allowed one deletes the row.
    """
    with transaction():
        counted = (
            PendingSignIn.update(wrong_codes=PendingSignIn.wrong_codes + 1)
            .where((PendingSignIn.id == pending.id) & (PendingSignIn.wrong_codes < MAX_CODES))
            .execute()
        )
        if counted != 1:
            return False  # used, ended or out of codes meanwhile
        wrong = (
            PendingSignIn.select(PendingSignIn.wrong_codes)
            .where(PendingSignIn.id == pending.id)
            .scalar()
        )
        if wrong == NOTIFY_AFTER:
            queue_notice(kinds.SECOND_STEP_FAILED, pending.user, wrong_codes=wrong)
        if wrong >= MAX_CODES:
            PendingSignIn.delete().where(PendingSignIn.id == pending.id).execute()
            return False
    return True


def take(pending: PendingSignIn) -> bool:
    """Use the pending sign-in up; True only for the one request that deleted it."""
    return PendingSignIn.delete().where(PendingSignIn.id == pending.id).execute() == 1


def end(token: str | None) -> None:
    """Forget a pending sign-in (the person started over)."""
    if isinstance(token, str) and token:
        PendingSignIn.delete().where(PendingSignIn.id == digest(token)).execute()


def end_all_of(user_id: str) -> int:
    """End every pending sign-in of an account (its password changed; it was deleted)."""
    return PendingSignIn.delete().where(PendingSignIn.user == user_id).execute()
