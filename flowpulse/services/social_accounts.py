"""Provider identities and accounts: who a proven identity signs in, links or creates.

The rules, each the safe choice:

* an identity already linked signs in its user, if it comes from the issuer
  it was linked from (a provider id re-pointed at another tenant must not map
  that tenant's subjects onto existing users);
* an identity whose address the provider does not vouch for is never stored,
  whoever has the address (nobody, a verified account, an unverified one):
  one answer for all three, and nothing is written or sent;
* an unknown identity whose email nobody has creates the user and its
  ``account`` row in one transaction, verified (the provider vouches), if
  the product's sign-up policy allows it (``SignUpRefused``);
* no email: refused, nothing created;
* an email that belongs to a verified account is linked (the provider
  vouches) only once the sign-in it started completes, second step included
  (``SignIn.link_later``), so a provider is no way around a second factor;
  linking to an account whose address was never verified proves the address: every
  other way into it goes (``proven_address``) — who never proved the address
  must keep no way in (pre-account takeover, Better Auth #9578);
* one identity belongs to one user (a unique index), one user has at most
  one identity per provider, and the last way in cannot be removed.
"""

from typing import NamedTuple

from flask import current_app
from peewee import IntegrityError

from flowpulse import signals
from flowpulse.core.database import transaction
from flowpulse.core.email_address import InvalidEmail, normalize_email
from flowpulse.core.models import CREDENTIAL_PROVIDER, Account, AccountIssuer, User
from flowpulse.core.models import mail as kinds
from flowpulse.core.text import InvalidName, display_name
from flowpulse.services.credentials import AccountGone, require_verified_address
from flowpulse.services.messages import queue_notice
from flowpulse.services.proven_address import Kept, prove_address
from flowpulse.services.provider_tokens import account_of, linked_account, token_columns
from flowpulse.services.signup_policy import ask_signup_policy
from flowpulse.services.ways_in import LastWayIn, another_way_in
from flowpulse.social.identity import Identity
from flowpulse.social.providers import name_of


class NoEmail(Exception):
    """The provider gave no usable email address, so no account can be made."""


class EmailNotVouched(Exception):
    """The provider does not vouch for the address: the identity is not stored."""


class IssuerChanged(Exception):
    """The identity was linked from another issuer than the provider's current one."""


class IdentityTaken(Exception):
    """The identity is linked to another user."""


class AlreadyConnected(Exception):
    """The person has another identity of this provider linked already."""


class SignIn(NamedTuple):
    """Who a proven identity signs in, and whether to link it once the sign-in completes."""

    user: User
    link_later: bool = False


def sign_in_with(identity: Identity) -> SignIn:
    """Return the user a proven identity signs in (see the module's rules).

    Raises ``NoEmail``, ``EmailNotVouched``, ``IssuerChanged``,
    ``SignUpRefused`` (a new account the product's policy refuses), or
    ``EmailNotVerified`` (an identity linked before unvouched ones stopped
    being stored, whose user's address is not verified: the answer a
    password sign-in gets).
    """
    try:
        found = _resolve(identity)
    except IntegrityError:
        found = _resolve(identity)  # a parallel callback linked it first: now it is found
    require_verified_address(found.user)
    return found


def _resolve(identity: Identity) -> SignIn:
    with transaction():
        account = linked_identity(identity)
        if account is not None:
            Account.update(token_columns(identity.token)).where(Account.id == account.id).execute()
            return SignIn(User.get_by_id(account.user_id))
        email = _email_of(identity)
        if not identity.email_verified:
            # Checked before the address is looked up: one answer, and the same
            # work, whether it is new, registered and verified, or not.
            raise EmailNotVouched(identity.provider.id)
        existing = User.by_email(email)
        if existing is None:
            return SignIn(_create_user(identity, email))
        if existing.email_verified:
            return SignIn(existing, link_later=True)  # nothing written before the last step
        return SignIn(_prove_and_link(existing, identity))


def linked_identity(identity: Identity) -> Account | None:
    """Return the ``account`` row of a linked identity; ``IssuerChanged`` if another issuer's.

    An identity linked before issuers were stored gets the current one
    recorded now.
    """
    account = linked_account(identity.provider.id, identity.account_id)
    if account is None:
        return None
    if account.issuer is None:
        recorded = AccountIssuer.insert(account=account.id, issuer=identity.issuer)
        recorded.on_conflict_ignore().execute()  # a parallel sign-in may record it first
    elif account.issuer != identity.issuer:
        raise IssuerChanged(f"{identity.provider.id}: linked from {account.issuer!r}")
    return account


def _email_of(identity: Identity) -> str:
    try:
        return normalize_email(identity.email or "")
    except InvalidEmail:
        raise NoEmail(identity.provider.id) from None


def _create_user(identity: Identity, email: str) -> User:
    try:
        name = display_name(identity.name or "")
    except InvalidName:
        name = display_name(email.split("@")[0][:100] or f"{current_app.config['SITE_NAME']} user")
    ask_signup_policy(email, name, identity.provider.id)  # before anything is written
    user = User.create(name=name, email=email, email_verified=True)  # the provider vouches
    account = _create_account(user, identity)
    signals.send(signals.user_signed_up, user=user, by=identity.provider.id)
    signals.send(signals.account_connected, user=user, account=account)
    return user


def _prove_and_link(existing: User, identity: Identity) -> User:
    """Link to an account whose address nobody proved: the provider proves it now.

    Of the ways in, only this identity stays (so no second factor either:
    there is no step to wait for).
    """
    user = User.locked(existing.id)
    if user is None:
        raise AccountGone(existing.id)
    account = _create_account(user, identity)
    if not user.email_verified:
        prove_address(user, Kept(account_id=account.id), by=identity.provider.id)
    _connected(user, account)
    return user


def _create_account(user: User, identity: Identity) -> Account:
    account = Account.create(
        user=user.id,
        provider_id=identity.provider.id,
        account_id=identity.account_id,
        **token_columns(identity.token),
    )
    AccountIssuer.create(account=account.id, issuer=identity.issuer)
    return account


def _connected(user: User, account: Account) -> None:
    """Tell the owner (in this transaction) and the product (after it) a provider was linked."""
    queue_notice(kinds.ACCOUNT_CONNECTED, user, provider=name_of(account.provider_id))
    signals.send(signals.account_connected, user=user, account=account)


def connect(user: User, identity: Identity) -> bool:
    """Link a proven identity to a signed-in person; False if it was linked to them already.

    Raises ``IdentityTaken`` (someone else's), ``AlreadyConnected`` (another
    identity of this provider is theirs), ``IssuerChanged`` or ``AccountGone``.
    The provider need not vouch for its address: the person proved who they
    are to FlowPulse already.
    """
    try:
        with transaction():
            if User.locked(user.id) is None:
                raise AccountGone(user.id)
            account = linked_identity(identity)
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
        queue_notice(kinds.ACCOUNT_DISCONNECTED, user, provider=name_of(account.provider_id))
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
