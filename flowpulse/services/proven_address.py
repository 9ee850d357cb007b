"""An address proven: whoever proves it keeps only the ways in they brought.

The one rule for every transaction that turns ``user.email_verified`` from
false to true — a verification link, a password reset, an applied email
change, a provider that vouches, an operator, and any later proof (an emailed
sign-in code: ``prove_address(user, Kept(keep_session_id=...))``). Whoever set
the account up before never showed they read the inbox, so every way in the
prover did not bring goes, in the caller's transaction: provider identities,
the password, passkeys, the authenticator app, trusted browsers, sessions,
sign-ins waiting for their second step and emailed links. The owner gets one
notice listing what went.

A sign-up that starts an unproven account over (``services.signup``) proves
nothing yet, but gives the account to whoever opens the new link: it calls
``remove_rivals`` alone. This module is the only place rivals are removed:
round 3's worst hole was a second copy of this rule that forgot some of them.
"""

from dataclasses import dataclass, field

from flowpulse import signals
from flowpulse.core.clock import utcnow
from flowpulse.core.models import (
    CREDENTIAL_PROVIDER,
    Account,
    Passkey,
    TwoFactor,
    User,
    Verification,
)
from flowpulse.core.models import mail as kinds
from flowpulse.services import pending_sign_ins, sessions
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.messages import queue_notice
from flowpulse.social.providers import name_of

#: How the removals are told apart in the audit log (the ``by`` of their signals).
BY = "address-proven"

#: The notice's line for a removed password.
PASSWORD_LINE = "the password"  # noqa: S105 (words in a notice)


@dataclass(frozen=True)
class Kept:
    """What the prover brought, and so keeps; everything else goes.

    ``password``: the password account (the sign-up that set it sent the
    link; the reset that proves the address just set it). ``account_id``:
    one provider identity's ``account`` row (the provider that vouched).
    ``keep_session_id``: the prover's own session. ``everything``: the
    signed-in owner proved it (an email change): only their other sessions,
    trusted browsers and links end, as with any change of credentials.
    """

    password: bool = False
    account_id: str | None = None
    keep_session_id: str | None = None
    everything: bool = False


@dataclass
class Removed:
    """What ``remove_rivals`` took away."""

    password: bool = False
    providers: list[str] = field(default_factory=list)
    passkeys: int = 0
    authenticator_app: bool = False
    trusted_devices: int = 0
    sessions: int = 0

    def lines(self) -> list[str]:
        """Say what went, one way in a line (no name anyone typed: passkeys are counted)."""
        found = [PASSWORD_LINE] if self.password else []
        found += [f"{provider} sign-in" for provider in self.providers]
        if self.passkeys:
            found.append(_count(self.passkeys, "passkey"))
        if self.authenticator_app:
            found.append("the authenticator app (two-factor sign-in) and its recovery codes")
        if self.trusted_devices:
            trusted = _count(self.trusted_devices, "browser")
            found.append(f"{trusted} trusted to skip the second step")
        if self.sessions:
            found.append(_count(self.sessions, "signed-in device") + " (signed out)")
        return found

    def __bool__(self) -> bool:
        return bool(self.lines())


def _count(number: int, one: str) -> str:
    return f"{number} {one if number == 1 else one + 's'}"


def prove_address(user: User, kept: Kept, *, by: str | None = None) -> Removed:
    """Mark ``user``'s address proven, removing every way in ``kept`` does not name.

    Call inside the transaction of the proof, with the user's row locked
    (``User.locked``). An address verified already stays so and sends no
    signal; the removal still runs (an email change ends other sessions).
    ``by`` goes with the ``email_verified`` signal (an operator, a provider).
    """
    removed = remove_rivals(user, kept)
    if not user.email_verified:
        User.update(email_verified=True).where(User.id == user.id).execute()
        user.email_verified = True
        signals.send(signals.email_verified, user=user, by=by)
    return removed


def remove_rivals(user: User, kept: Kept, *, started_over: bool = False) -> Removed:
    """Remove every way into ``user`` that ``kept`` does not name; tell the owner what went.

    In the caller's transaction: the notice is queued with the change (never
    for the owner's own email change, whose notice says it already).
    ``started_over``: a new sign-up took the unproven account over.
    """
    trusted = _trusted_devices(user.id)
    tokens.discard_all_tokens(user.id)  # every emailed link, and every trusted browser
    removed = Removed(trusted_devices=trusted)
    if not kept.everything:
        _remove_accounts(user, kept, removed)
        _remove_second_factors(user, removed)
    removed.sessions = sessions.end_sessions_of(user.id, keep_session_id=kept.keep_session_id)
    pending_sign_ins.end_all_of(user.id)  # sign-ins halfway in are sessions in the making
    lines = removed.lines()
    if started_over:
        # The new sign-up replaces the old password, and its own mail says so:
        # a plain second sign-up is told nothing more.
        lines = [line for line in lines if line != PASSWORD_LINE]
    if lines and not kept.everything:
        queue_notice(kinds.WAYS_IN_REMOVED, user, removed=lines, started_over=started_over)
    return removed


def _trusted_devices(user_id: str) -> int:
    identifier = tokens.identifier_for(tokens.TRUST_DEVICE, user_id)
    return (
        Verification.select()
        .where((Verification.identifier == identifier) & (Verification.expires_at > utcnow()))
        .count()
    )


def _remove_accounts(user: User, kept: Kept, removed: Removed) -> None:
    """Delete the password and identities the prover did not bring."""
    rows = Account.select().where(Account.user == user.id).order_by(Account.created_at)
    gone = [row for row in rows if not _is_kept(row, kept)]
    if not gone:
        return
    Account.delete().where(Account.id.in_([row.id for row in gone])).execute()
    for row in gone:
        if row.provider_id == CREDENTIAL_PROVIDER:
            removed.password = True
            continue
        removed.providers.append(name_of(row.provider_id))
        signals.send(signals.account_disconnected, user=user, account=row)


def _is_kept(row: Account, kept: Kept) -> bool:
    if row.provider_id == CREDENTIAL_PROVIDER:
        return kept.password
    return row.id == kept.account_id


def _remove_second_factors(user: User, removed: Removed) -> None:
    """Delete the passkeys and the authenticator app (the prover brought neither)."""
    passkeys = list(Passkey.of(user.id))
    if passkeys:
        Passkey.delete().where(Passkey.user == user.id).execute()
        for passkey in passkeys:
            signals.send(signals.passkey_removed, user=user, passkey=passkey, by=BY)
    removed.passkeys = len(passkeys)
    if TwoFactor.delete().where(TwoFactor.user == user.id).execute():
        removed.authenticator_app = True
        signals.send(signals.two_factor_disabled, user=user, by=BY)
