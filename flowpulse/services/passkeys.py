"""Passkeys of an account: making one, signing in with one, renaming and removing them.

The ceremony's checks are py_webauthn's (``flowpulse.core.relying_party``);
the rules here are the account's:

* a credential belongs to one account (a unique index), and an answer must
  name an account's own credential: its user handle, when the authenticator
  sends one, must be that account's;
* the sign count must go up, unless the authenticator never counts (it
  reports 0, and did before): a count that does not is a cloned
  authenticator; the sign-in is refused and the event logged;
* a person has at most ``MAX_PASSKEYS``; adding or removing one emails them;
* the last way in cannot be removed (``flowpulse.services.ways_in``).

A passkey's use moves its counter with a compare-and-set, so of two answers
read at one count only one moves it.
"""

import json
from typing import NamedTuple

from peewee import IntegrityError

from flowpulse import signals
from flowpulse.core import aaguids, audit, relying_party
from flowpulse.core.clock import utcnow
from flowpulse.core.database import transaction
from flowpulse.core.models import Passkey, User
from flowpulse.core.models import mail as kinds
from flowpulse.core.relying_party import CeremonyFailed
from flowpulse.core.text import display_name
from flowpulse.services.credentials import AccountGone
from flowpulse.services.messages import queue_notice
from flowpulse.services.ways_in import LastWayIn, another_way_in

#: Passkeys one account may have (each is a row and an email).
MAX_PASSKEYS = 20
#: Longest passkey name.
MAX_NAME_LENGTH = 60

__all__ = ["CeremonyFailed", "LastWayIn"]


class TooManyPasskeys(Exception):
    """The account has ``MAX_PASSKEYS`` already."""


class CredentialTaken(Exception):
    """This credential is registered already (to this account or another)."""


class ClonedAuthenticator(CeremonyFailed):
    """The sign count did not go up: two authenticators hold one private key."""


class SignedIn(NamedTuple):
    """Whom a passkey answer proved, with which passkey, and whether it verified the person."""

    user: User
    passkey: Passkey
    user_verified: bool


def user_handle(user: User) -> bytes:
    """The WebAuthn user handle of an account: its id (random, and no personal data)."""
    return user.id.encode()


def passkeys_of(user: User) -> list[Passkey]:
    """The account's passkeys, oldest first."""
    return list(Passkey.of(user.id))


def has_passkeys(user: User) -> bool:
    """Tell whether the account has a passkey."""
    return Passkey.select().where(Passkey.user == user.id).exists()


def registration_options(user: User, challenge: bytes) -> dict:
    """Options for ``user``'s next passkey; raises ``TooManyPasskeys``."""
    credential_ids = [row.credential_id for row in Passkey.of(user.id)]
    if len(credential_ids) >= MAX_PASSKEYS:
        raise TooManyPasskeys(user.id)
    return relying_party.registration_options(
        user_handle=user_handle(user),
        name=user.email,
        display_name=user.name or user.email,
        exclude=credential_ids,
        challenge=challenge,
    )


def register(user: User, answer: dict, challenge: bytes, *, name: str | None = None) -> Passkey:
    """Verify the browser's new credential and keep it under ``name`` (default: its provider's).

    Raises ``CeremonyFailed``, ``InvalidName``, ``TooManyPasskeys``,
    ``CredentialTaken`` or ``AccountGone``.
    """
    verified = relying_party.verify_registration(answer, challenge)
    aaguid = verified.aaguid or None
    chosen = display_name(name, MAX_NAME_LENGTH) if name else aaguids.name_for(aaguid)
    transports = (answer.get("response") or {}).get("transports") or []
    try:
        with transaction():
            if User.locked(user.id) is None:
                raise AccountGone(user.id)
            if Passkey.select().where(Passkey.user == user.id).count() >= MAX_PASSKEYS:
                raise TooManyPasskeys(user.id)
            passkey = Passkey.create(
                user=user.id,
                name=chosen,
                public_key=relying_party.encode(verified.credential_public_key),
                credential_id=relying_party.encode(verified.credential_id),
                counter=verified.sign_count,
                device_type=verified.credential_device_type.value,
                backed_up=verified.credential_backed_up,
                transports=json.dumps([str(t) for t in transports if isinstance(t, str)][:8]),
                aaguid=aaguid,
            )
            queue_notice(kinds.PASSKEY_ADDED, user, passkey=chosen)
            signals.send(signals.passkey_added, user=user, passkey=passkey)
    except IntegrityError:
        raise CredentialTaken(user.id) from None
    return passkey


def sign_in_with(answer: dict, challenge: bytes, *, only_for: User | None = None) -> SignedIn:
    """Verify a sign-in answer; return whom it proved (``only_for``: it must be them).

    Raises ``CeremonyFailed`` (``ClonedAuthenticator`` for a sign count that
    did not go up).
    """
    credential_id = relying_party.credential_id_of(answer)
    passkey = Passkey.get_or_none(Passkey.credential_id == credential_id)
    if passkey is None or (only_for is not None and passkey.user_id != only_for.id):
        raise CeremonyFailed("no such passkey here")
    user = User.get_or_none(User.id == passkey.user_id)
    handle = relying_party.user_handle_of(answer)
    if user is None or (handle is not None and handle != user_handle(user)):
        raise CeremonyFailed("the passkey is not this account's")
    verified = relying_party.verify_assertion(answer, challenge, public_key=passkey.public_key)
    _move_counter(user, passkey, verified)
    return SignedIn(user, passkey, verified.user_verified)


def _move_counter(user: User, passkey: Passkey, verified) -> None:
    new, stored = verified.new_sign_count, passkey.counter
    if (new > 0 or stored > 0) and new <= stored:
        audit.record("passkey.cloned", user=user.id, passkey=passkey.id, count=new, stored=stored)
        raise ClonedAuthenticator("the sign count went back")
    moved = (
        Passkey.update(counter=new, last_used_at=utcnow(), backed_up=verified.credential_backed_up)
        .where((Passkey.id == passkey.id) & (Passkey.counter == stored))
        .execute()
    )
    if not moved:
        raise CeremonyFailed("the passkey was used at this count already")


def rename(user: User, passkey_id: str, name: str) -> Passkey:
    """Rename one of the person's passkeys (``LookupError`` if not theirs; ``InvalidName``)."""
    chosen = display_name(name, MAX_NAME_LENGTH)
    passkey = own(user, passkey_id)
    Passkey.update(name=chosen).where(Passkey.id == passkey.id).execute()
    passkey.name = chosen
    return passkey


def delete(user: User, passkey_id: str) -> Passkey:
    """Remove one of the person's passkeys; refused with ``LastWayIn`` for the last way in."""
    with transaction():
        if User.locked(user.id) is None:
            raise AccountGone(user.id)
        passkey = own(user, passkey_id)
        if not another_way_in(user.id, but_passkey=passkey.id):
            raise LastWayIn(passkey.id)
        passkey.delete_instance()
        _removed(user, passkey, by=None)
    return passkey


def remove_all(user: User, *, by: str) -> int:
    """Remove every passkey of an account (an operator's recovery); return how many."""
    with transaction():
        removed = passkeys_of(user)
        Passkey.delete().where(Passkey.user == user.id).execute()
        for passkey in removed:
            _removed(user, passkey, by=by)
    return len(removed)


def _removed(user: User, passkey: Passkey, *, by: str | None) -> None:
    queue_notice(kinds.PASSKEY_REMOVED, user, passkey=passkey.name, by_operator=by is not None)
    signals.send(signals.passkey_removed, user=user, passkey=passkey, by=by)


def own(user: User, passkey_id: str) -> Passkey:
    """One of the person's passkeys by id (``LookupError`` if it is not theirs)."""
    passkey = Passkey.get_or_none((Passkey.id == passkey_id) & (Passkey.user == user.id))
    if passkey is None:
        raise LookupError(passkey_id)
    return passkey
