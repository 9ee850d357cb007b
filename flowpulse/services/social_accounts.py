"""Provider identities and accounts: who a proven identity signs in, links or creates.

The rules, each the safe choice:

* an identity already linked signs in its user;
* an unknown identity whose email nobody has creates the user and its
  ``account`` row in one transaction, verified when the provider vouches;
* no email: refused, nothing created;
* an email that belongs to someone is linked only when the provider vouches
  for it; linking to an account whose address was never verified removes
  every other way into it (password, other identities, passkeys), ends its sessions
  and discards its links, and marks the address verified — who never proved
  the address must keep no way in (pre-account takeover, Better Auth #9578);
* one identity belongs to one user (a unique index), one user has at most
  one identity per provider, and the last way in cannot be removed.
"""

from flask import current_app
from peewee import IntegrityError

from flowpulse import signals
from flowpulse.core.database import transaction
from flowpulse.core.email_address import InvalidEmail, normalize_email
from flowpulse.core.models import CREDENTIAL_PROVIDER, Account, Passkey, TwoFactor, User
from flowpulse.core.models import mail as kinds
from flowpulse.core.text import InvalidName, display_name
from flowpulse.services import sessions
from flowpulse.services import verification_tokens as tokens
from flowpulse.services.credentials import AccountGone, EmailNotVerified
from flowpulse.services.email_verification import mark_verified
from flowpulse.services.messages import queue_notice
from flowpulse.services.provider_tokens import account_of, linked_account, token_columns
from flowpulse.services.ways_in import LastWayIn, another_way_in
from flowpulse.social.identity import Identity


class NoEmail(Exception):
    """The provider gave no usable email address, so no account can be made."""


class EmailNotVouched(Exception):
    """The address has an account, and the provider does not vouch for it."""


class IdentityTaken(Exception):
    """The identity is linked to another user."""


class AlreadyConnected(Exception):
    """The person has another identity of this provider linked already."""


def sign_in_with(identity: Identity) -> User:
    """Return the user a proven identity signs in (see the module's rules).

    Raises ``NoEmail``, ``EmailNotVouched``, or ``EmailNotVerified`` (with
    verification required and an address not yet verified: the answer a
    password sign-in gets).
    """
    try:
        user = _resolve(identity)
    except IntegrityError:
        user = _resolve(identity)  # a parallel callback linked it first: now it is found
    if current_app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"] and not user.email_verified:
        raise EmailNotVerified(user)
    return user


def _resolve(identity: Identity) -> User:
    with transaction():
        account = linked_account(identity.provider.id, identity.account_id)
        if account is not None:
            Account.update(token_columns(identity.token)).where(Account.id == account.id).execute()
            return User.get_by_id(account.user_id)
        email = _email_of(identity)
        existing = User.by_email(email)
        if existing is None:
            return _create_user(identity, email)
        if not identity.email_verified:
            raise EmailNotVouched(existing.email)
        return _link_to_existing(existing, identity)


def _email_of(identity: Identity) -> str:
    try:
        return normalize_email(identity.email or "")
    except InvalidEmail:
        raise NoEmail(identity.provider.id) from None


def _create_user(identity: Identity, email: str) -> User:
    try:
        name = display_name(identity.name or "")
    except InvalidName:
        name = display_name(email.split("@")[0][:100] or "FlowPulse user")
    user = User.create(name=name, email=email, email_verified=identity.email_verified)
    account = _create_account(user, identity)
    signals.send(signals.user_signed_up, user=user, by=identity.provider.id)
    signals.send(signals.account_connected, user=user, account=account)
    return user


def _link_to_existing(existing: User, identity: Identity) -> User:
    user = User.locked(existing.id)
    if user is None:
        raise AccountGone(existing.id)
    if not user.email_verified:
        # Whoever registered this address never proved it: no way in they chose survives
        # (nor a second factor or passkey they set up).
        Account.delete().where(Account.user == user.id).execute()
        TwoFactor.delete().where(TwoFactor.user == user.id).execute()
        Passkey.delete().where(Passkey.user == user.id).execute()
        tokens.discard_all_tokens(user.id)
        sessions.end_sessions_of(user.id)
        mark_verified(user)
    _connected(user, _create_account(user, identity))
    return user


def _create_account(user: User, identity: Identity) -> Account:
    return Account.create(
        user=user.id,
        provider_id=identity.provider.id,
        account_id=identity.account_id,
        **token_columns(identity.token),
    )


def _connected(user: User, account: Account) -> None:
    """Tell the owner (in this transaction) and the product (after it) a provider was linked."""
    queue_notice(kinds.ACCOUNT_CONNECTED, user, provider=_provider_name(account.provider_id))
    signals.send(signals.account_connected, user=user, account=account)


def _provider_name(provider_id: str) -> str:
    provider = current_app.extensions["flowpulse.social.providers"].get(provider_id)
    return provider.name if provider else provider_id


def connect(user: User, identity: Identity) -> bool:
    """Link a proven identity to a signed-in person; False if it was linked to them already.

    Raises ``IdentityTaken`` (someone else's), ``AlreadyConnected`` (another
    identity of this provider is theirs) or ``AccountGone``.
    """
    try:
        with transaction():
            if User.locked(user.id) is None:
                raise AccountGone(user.id)
            account = linked_account(identity.provider.id, identity.account_id)
            if account is not None:
                if account.user_id != user.id:
                    raise IdentityTaken(identity.provider.id)
                columns = token_columns(identity.token)
                Account.update(columns).where(Account.id == account.id).execute()
                return False
            if account_of(user, identity.provider.id) is not None:
                raise AlreadyConnected(identity.provider.id)
            _connected(user, _create_account(user, identity))
    except IntegrityError:
        raise IdentityTaken(identity.provider.id) from None  # linked by a parallel request
    return True


def disconnect(user: User, account_id: str) -> Account:
    """Remove one of the person's provider identities (``LookupError`` if not theirs).

    Refused with ``LastWayIn`` when it is the account's only way to sign in.
    """
    with transaction():
        if User.locked(user.id) is None:
            raise AccountGone(user.id)
        account = Account.get_or_none(
            (Account.id == account_id)
            & (Account.user == user.id)
            & (Account.provider_id != CREDENTIAL_PROVIDER)
        )
        if account is None:
            raise LookupError(account_id)
        if not another_way_in(user.id, but_account=account.id):
            raise LastWayIn(account.provider_id)
        account.delete_instance()
        queue_notice(kinds.ACCOUNT_DISCONNECTED, user, provider=_provider_name(account.provider_id))
        signals.send(signals.account_disconnected, user=user, account=account)
    return account


def ways_in(user: User) -> tuple[bool, list[Account]]:
    """Whether the person has a password, and their linked identities."""
    rows = list(Account.select().where(Account.user == user.id))
    has_password = any(row.provider_id == CREDENTIAL_PROVIDER and row.password for row in rows)
    return has_password, [row for row in rows if row.provider_id != CREDENTIAL_PROVIDER]


def has_password(user: User) -> bool:
    """Tell whether the person can sign in with a password (re-authentication asks for it)."""
    return Account.credential_of(user.id) is not None
