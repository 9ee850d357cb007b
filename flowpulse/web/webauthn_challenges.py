"""WebAuthn challenges: made for one ceremony, in one browser, used once, within 5 minutes.

A challenge lives in this browser's Flask session next to what it is for
(signing in, the second step of a sign-in, or making a passkey for one
account), so an answer collected in another browser has no challenge to
match. Taking it removes it from the session; because a signed cookie can be
replayed as it was, the challenge is also marked spent in the database, in
the ``verification`` table under its digest, so an answer replayed with an
older copy of the cookie is refused too. Those marks expire with the
challenge and are pruned like every expired row there.
"""

import secrets
import time
from datetime import timedelta

from flask import session
from peewee import IntegrityError

from flowpulse.core import relying_party
from flowpulse.core.clock import utcnow
from flowpulse.core.database import transaction
from flowpulse.core.models import Verification
from flowpulse.core.tokens import digest
from flowpulse.web.json_api import Refused

#: Seconds a challenge can be answered in.
LIFETIME_SECONDS = 300

#: What a challenge is for; an answer is only accepted by the step it was made for.
SIGN_IN, SECOND_STEP, REGISTER = "sign-in", "second-step", "register"

SESSION_KEY = "webauthn_challenge"
SPENT_IDENTIFIER = "webauthn-challenge:spent"


class NoChallenge(Exception):
    """No live challenge of this purpose (none made here, expired, used, or for someone else)."""


def issue(purpose: str, *, user_id: str | None = None) -> bytes:
    """Make this browser's challenge for ``purpose`` (replacing any older one); return it.

    Where no ceremony can succeed (``BASE_URL`` names an IP address) every
    one is refused here, with words saying why.
    """
    if not relying_party.available():
        raise Refused(400, relying_party.NEEDS_A_NAME)
    challenge = secrets.token_bytes(32)
    session[SESSION_KEY] = {
        "challenge": challenge.hex(),
        "purpose": purpose,
        "user": user_id,
        "at": time.time(),
    }
    return challenge


def take(purpose: str, *, user_id: str | None = None) -> bytes:
    """Use this browser's challenge for ``purpose`` once; raise ``NoChallenge`` otherwise."""
    held = session.pop(SESSION_KEY, None)
    if not isinstance(held, dict) or held.get("purpose") != purpose:
        raise NoChallenge(purpose)
    if held.get("user") != user_id or not isinstance(held.get("at"), int | float):
        raise NoChallenge(purpose)
    if not 0 <= time.time() - held["at"] <= LIFETIME_SECONDS:
        raise NoChallenge(purpose)
    try:
        challenge = bytes.fromhex(held.get("challenge") or "")
    except (TypeError, ValueError):
        raise NoChallenge(purpose) from None
    _mark_spent(challenge)
    return challenge


def _mark_spent(challenge: bytes) -> None:
    """Record the challenge as used; a second use (a replayed cookie) finds the mark."""
    now = utcnow()
    try:
        with transaction():
            Verification.insert(
                id=digest(challenge.hex()),
                identifier=SPENT_IDENTIFIER,
                value="",
                expires_at=now + timedelta(seconds=LIFETIME_SECONDS),
                created_at=now,
                updated_at=now,
            ).execute()
    except IntegrityError:
        raise NoChallenge("used already") from None
