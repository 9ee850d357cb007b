"""Second factors of an account: an authenticator app and its recovery codes.

Turning a factor on needs one right code from the new app; from then on a
sign-in needs a code after the password (``flowpulse.auth.two_factor``).
A TOTP code works once: its 30-second step must be later than the last one
used, written with a compare-and-set, so two requests with one code cannot
both pass. A recovery code works once too: its digest leaves the list in a
compare-and-set of its own. Every change is emailed to the owner; a password
reset never removes a factor, unless it first proves an address nobody had
proven (``proven_address``: then the factor was never the prover's).
"""

import json
from typing import NamedTuple

from flowpulse import signals
from flowpulse.core import audit, crypto, recovery_codes, totp
from flowpulse.core.config import site_named
from flowpulse.core.database import transaction
from flowpulse.core.models import TwoFactor, User
from flowpulse.core.models import mail as kinds
from flowpulse.services import sessions, trusted_devices
from flowpulse.services.messages import queue_notice

#: With this many recovery codes left (or fewer) the profile says to make new ones.
FEW_CODES_LEFT = 3

#: Which kind of code passed the second step.
TOTP, RECOVERY_CODE = "totp", "recovery-code"


class WrongCode(ValueError):
    """The code is not right now, was used already, or is no code at all."""


class AlreadyOn(Exception):
    """The account has an authenticator app already."""


class Status(NamedTuple):
    """What the profile shows about an account's second factor."""

    enabled: bool
    codes_left: int
    since: object = None

    @property
    def few_codes_left(self) -> bool:
        return self.enabled and self.codes_left <= FEW_CODES_LEFT


def status_of(user: User) -> Status:
    """Return whether ``user`` has an authenticator app, and how many recovery codes are left."""
    row = TwoFactor.of(user.id)
    if row is None:
        return Status(False, 0)
    return Status(True, len(row.code_digests), row.created_at)


def is_required(user: User) -> bool:
    """Tell whether a sign-in of ``user`` needs a second step."""
    return TwoFactor.select().where(TwoFactor.user == user.id).exists()


def provisioning(user: User, secret: str) -> str:
    """Return the ``otpauth://`` URI for ``secret`` under this account and our issuer."""
    return totp.provisioning_uri(secret, account=user.email, issuer=site_named("AUTH_TOTP_ISSUER"))


def enable(
    user: User, secret: str, code: str, *, keep_session_id: str | None, end_other_sessions: bool
) -> list[str]:
    """Turn the authenticator app with ``secret`` on, proven by ``code``; return recovery codes.

    The codes are returned once, to be shown once: only their digests are
    kept. Browsers trusted before are forgotten, and the other sessions end
    if asked (they signed in with one factor). Raises ``WrongCode`` or
    ``AlreadyOn``.
    """
    step = totp.step_of(secret, code)
    if step is None:
        raise WrongCode("that code is not right")
    codes = recovery_codes.new_codes()
    with transaction():
        if User.locked(user.id) is None:
            raise WrongCode("the account no longer exists")
        if TwoFactor.of(user.id) is not None:
            raise AlreadyOn(user.id)
        TwoFactor.create(
            user=user.id,
            secret=crypto.encrypt(secret),
            backup_codes=_digests(codes),
            last_used_step=step,
        )
        trusted_devices.forget_all(user.id)
        if end_other_sessions:
            sessions.end_sessions_of(user.id, keep_session_id=keep_session_id)
        queue_notice(kinds.TWO_FACTOR_ENABLED, user)
        signals.send(signals.two_factor_enabled, user=user)
    return codes


def disable(user: User, *, by: str | None = None) -> bool:
    """Turn the second factor off (recovery codes go with it); False if it was off."""
    with transaction():
        removed = TwoFactor.delete().where(TwoFactor.user == user.id).execute()
        if not removed:
            return False
        trusted_devices.forget_all(user.id)
        queue_notice(kinds.TWO_FACTOR_DISABLED, user, by_operator=by is not None)
        signals.send(signals.two_factor_disabled, user=user, by=by)
    return True


def new_recovery_codes(user: User) -> list[str]:
    """Replace the recovery codes (the old ones die); return the new ones, to show once."""
    codes = recovery_codes.new_codes()
    with transaction():
        updated = (
            TwoFactor.update(backup_codes=_digests(codes))
            .where(TwoFactor.user == user.id)
            .execute()
        )
        if not updated:
            raise WrongCode("the second factor is off")
        queue_notice(kinds.RECOVERY_CODES_RENEWED, user)
    audit.record("two-factor.codes-renewed", user=user.id)
    return codes


def check_code(user: User, typed: str) -> str:
    """Pass the second step with an app's code or a recovery code; return which it was.

    Raises ``WrongCode`` for a wrong, replayed or used code.
    """
    row = TwoFactor.of(user.id)
    if row is None:
        raise WrongCode("the second factor is off")
    if totp.normalised(typed) is not None:
        _use_app_code(row, typed)
        return TOTP
    if recovery_codes.normalised(typed) is not None:
        _use_recovery_code(user, row, typed)
        return RECOVERY_CODE
    raise WrongCode("that is not a code")


def _use_app_code(row: TwoFactor, typed: str) -> None:
    step = totp.step_of(crypto.decrypt(row.secret), typed)
    if step is None:
        raise WrongCode("that code is not right")
    # Compare-and-set: of two requests with one code, one moves the step on.
    later = TwoFactor.last_used_step.is_null() | (TwoFactor.last_used_step < step)
    moved = TwoFactor.update(last_used_step=step).where((TwoFactor.id == row.id) & later).execute()
    if not moved:
        raise WrongCode("that code was used already")


def _use_recovery_code(user: User, row: TwoFactor, typed: str) -> None:
    wanted = recovery_codes.digest(typed)
    with transaction():
        current = TwoFactor.get_or_none(TwoFactor.id == row.id)
        if current is None or wanted not in current.code_digests:
            raise WrongCode("that recovery code is not right, or was used")
        left = [digest for digest in current.code_digests if digest != wanted]
        # Compare-and-set on the list as read: a parallel use of the same
        # code finds it changed and fails.
        taken = (
            TwoFactor.update(backup_codes=json.dumps(left))
            .where((TwoFactor.id == row.id) & (TwoFactor.backup_codes == current.backup_codes))
            .execute()
        )
        if not taken:
            raise WrongCode("that recovery code was used already")
        queue_notice(kinds.RECOVERY_CODE_USED, user, codes_left=len(left))
        signals.send(signals.recovery_code_used, user=user, codes_left=len(left))


def reset(user: User, *, by: str) -> bool:
    """Remove every second factor of an account (an operator's recovery for a lost phone)."""
    audit.record("two-factor.reset", user=user.id, by=by)
    return disable(user, by=by)


def _digests(codes: list[str]) -> str:
    return json.dumps([recovery_codes.digest(code) for code in codes])
