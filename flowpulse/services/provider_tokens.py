"""Provider tokens at rest: encrypted in the ``account`` row, refreshed when used.

``access_token``, ``refresh_token`` and ``id_token`` are stored encrypted
(``flowpulse.core.crypto``): a copy of the database reveals none of them.
``access_token_for`` is what a team's product calls to use the provider's
API on the person's behalf.
"""

import base64
import json
from datetime import UTC, datetime, timedelta

import requests
from authlib.common.errors import AuthlibBaseError
from flask import current_app
from peewee import JOIN

from flowpulse.core import crypto
from flowpulse.core.clock import utcnow
from flowpulse.core.database import transaction
from flowpulse.core.models import CREDENTIAL_PROVIDER, Account, AccountIssuer, User
from flowpulse.social import clients
from flowpulse.social.clients import HTTP_TIMEOUT, ProviderUnavailable

#: An access token this close to its expiry is refreshed before it is handed out.
EXPIRY_MARGIN = timedelta(seconds=30)

#: The three encrypted columns.
TOKEN_COLUMNS = ("access_token", "refresh_token", "id_token")


class NotConnected(LookupError):
    """The person has no identity of that provider linked."""


class TokenExpired(Exception):
    """The access token expired and there is no refresh token: sign in with the provider again."""


def _moment(epoch) -> datetime | None:
    if not isinstance(epoch, int | float) or isinstance(epoch, bool):
        return None
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


def token_columns(token: dict) -> dict:
    """The ``account`` columns a token response fills, tokens encrypted.

    A column the response leaves out is left out here too, so an update
    keeps what was stored: a refresh that returns no new refresh token keeps
    the old one (the bug Better Auth fixed in #7999).
    """
    columns = {name: crypto.encrypt(token[name]) for name in TOKEN_COLUMNS if token.get(name)}
    expires_at = token.get("expires_at")
    if expires_at is None and isinstance(token.get("expires_in"), int):
        expires_at = utcnow().replace(tzinfo=UTC).timestamp() + token["expires_in"]
    columns["access_token_expires_at"] = _moment(expires_at)
    if isinstance(token.get("refresh_token_expires_in"), int):
        columns["refresh_token_expires_at"] = utcnow() + timedelta(
            seconds=token["refresh_token_expires_in"]
        )
    if isinstance(token.get("scope"), str):
        columns["scope"] = token["scope"]
    return columns


def linked_account(provider_id: str, account_id: str) -> Account | None:
    """Return the ``account`` row of a provider identity, if it is linked.

    Its ``issuer`` (None for identities linked before issuers were stored)
    comes in the same query.
    """
    return (
        Account.select(Account, AccountIssuer.issuer)
        .join(AccountIssuer, JOIN.LEFT_OUTER, on=(AccountIssuer.account == Account.id))
        .where((Account.provider_id == provider_id) & (Account.account_id == account_id))
        .objects()
        .first()
    )


def account_of(user: User, provider_id: str) -> Account | None:
    """Return the person's linked identity of ``provider_id``, if any."""
    if provider_id == CREDENTIAL_PROVIDER:
        return None
    return Account.get_or_none((Account.user == user.id) & (Account.provider_id == provider_id))


def access_token_for(user: User, provider_id: str) -> str:
    """Return a valid access token of the person's ``provider_id`` identity.

    Refreshes it when it has expired (or is about to), storing the new
    tokens and keeping the old refresh token when the response has none.
    Raises ``NotConnected``, ``TokenExpired`` (no refresh token; the person
    must sign in with the provider again) or ``ProviderUnavailable``.
    """
    account = account_of(user, provider_id)
    if account is None:
        raise NotConnected(provider_id)
    expires_at = account.access_token_expires_at
    if account.access_token and (expires_at is None or expires_at > utcnow() + EXPIRY_MARGIN):
        return crypto.decrypt(account.access_token)
    refresh = crypto.decrypt(account.refresh_token)
    if not refresh:
        raise TokenExpired(provider_id)
    token = _refresh(provider_id, refresh)
    with transaction():
        Account.update(token_columns(token)).where(Account.id == account.id).execute()
    return token["access_token"]


def _refresh(provider_id: str, refresh_token: str) -> dict:
    """Ask the provider for a new access token (outside any transaction: it is the network)."""
    provider = current_app.extensions["flowpulse.social.providers"][provider_id]
    metadata = clients.server_metadata(provider)
    url = provider.token_url or metadata.get("token_endpoint")
    # Authlib's requests client (with joserfc: ~60 ms) loads only when a token is refreshed.
    from authlib.integrations.requests_client import OAuth2Session

    session = OAuth2Session(
        provider.client_id, provider.client_secret, default_timeout=HTTP_TIMEOUT
    )
    try:
        with session:
            token = dict(session.refresh_token(url, refresh_token=refresh_token))
    except clients.UNREACHABLE as error:
        raise ProviderUnavailable(provider_id, f"refresh: {error}", status=502) from None
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:
        raise TokenExpired(f"{provider_id}: refresh refused: {error}") from None
    if not token.get("access_token"):
        raise TokenExpired(f"{provider_id}: refresh gave no access token")
    return token


def rotate_keys() -> tuple[int, int]:
    """Re-encrypt every stored token with the first key; return (rows rotated, unreadable).

    A token no configured key opens is left as it is and counted: dropping a
    key too early must not destroy data silently.
    """
    rotated = unreadable = 0
    with transaction():
        query = Account.select().where(Account.provider_id != CREDENTIAL_PROVIDER)
        for account in query.iterator():
            try:
                values = {name: crypto.rotate(getattr(account, name)) for name in TOKEN_COLUMNS}
            except crypto.InvalidToken:
                unreadable += 1
                continue
            Account.update(values).where(Account.id == account.id).execute()
            rotated += 1
    return rotated, unreadable


def identity_label(account: Account) -> str:
    """Who the identity is, for the person's own sign-in methods page.

    The ID token (checked when it was received) names the address; GitHub
    gives none, so its account is named by its id.
    """
    try:
        id_token = crypto.decrypt(account.id_token)
    except crypto.InvalidToken:
        id_token = None
    if id_token:
        payload = id_token.split(".")[1]
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            claims = {}
        for claim in ("email", "name"):
            if isinstance(claims.get(claim), str):
                return claims[claim]
    return f"account {account.account_id}"
