"""One Authlib client per provider, built at start-up; the network is touched lazily.

Nothing here runs per request: the clients are made once, and an OpenID
Connect provider's discovery document (and JWKS) is fetched the first time a
flow needs it and then cached by Authlib. A provider that is down therefore
never takes the sign-in page down: only starting a flow with it fails, with
``ProviderUnavailable`` (a friendly 502/503 page). Every call has a timeout.
"""

import logging
from typing import TYPE_CHECKING

import requests
from flask import Flask, current_app

from flowpulse.social.providers import Provider

# Authlib's Flask client (with joserfc: ~70 ms) is imported by ``make_client``:
# only an app with a provider configured, or a flow being run, loads it.
if TYPE_CHECKING:
    from authlib.integrations.flask_client import FlaskOAuth2App

log = logging.getLogger(__name__)

#: Where an app keeps its clients (provider id -> FlaskOAuth2App).
EXTENSION = "flowpulse.social.clients"

#: Seconds any one call to a provider may take (discovery, JWKS, token, API).
HTTP_TIMEOUT = 10

#: What ``requests`` raises when a provider cannot be reached in time.
UNREACHABLE = (requests.ConnectionError, requests.Timeout)


class ProviderUnavailable(Exception):
    """The provider could not be reached (503) or answered nonsense (502)."""

    def __init__(self, provider_id: str, reason: str, *, status: int = 503):
        super().__init__(f"{provider_id}: {reason}")
        self.provider_id = provider_id
        self.status = status


def init_app(app: Flask, providers: dict[str, Provider]) -> None:
    """Make each provider's client (no network)."""
    app.extensions[EXTENSION] = {pid: make_client(p) for pid, p in providers.items()}


def make_client(provider: Provider, *, timeout: float = HTTP_TIMEOUT) -> "FlaskOAuth2App":
    """Return an Authlib client for ``provider``: PKCE S256 always (Authlib makes it opt-in)."""
    from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App

    settings = {
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "client_kwargs": {
            "scope": provider.scope,
            "code_challenge_method": "S256",
            "default_timeout": timeout,
        },
    }
    if provider.is_oidc:
        settings["server_metadata_url"] = provider.discovery_url
    else:
        settings.update(
            authorize_url=provider.authorize_url,
            access_token_url=provider.token_url,
            api_base_url=provider.api_base_url,
        )
    return FlaskOAuth2App(FlaskIntegration(provider.id), provider.id, **settings)


def client_for(provider_id: str) -> "FlaskOAuth2App":
    """Return the current app's client of a configured provider."""
    return current_app.extensions[EXTENSION][provider_id]


def server_metadata(provider: Provider, client: "FlaskOAuth2App | None" = None) -> dict:
    """Return the provider's discovery document (cached), or raise ``ProviderUnavailable``.

    The document must name the configured issuer (OpenID Connect Discovery
    4.3): one that names another would have ID tokens checked against the
    wrong issuer.
    """
    client = client or client_for(provider.id)
    if not provider.is_oidc:
        return client.load_server_metadata()
    try:
        metadata = client.load_server_metadata()
    except UNREACHABLE as error:
        raise ProviderUnavailable(provider.id, f"discovery unreachable: {error}") from None
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(provider.id, f"bad discovery: {error}", status=502) from None
    if metadata.get("issuer") != provider.issuer or not metadata.get("authorization_endpoint"):
        client.server_metadata.clear()  # not cached: the next try asks again
        raise ProviderUnavailable(
            provider.id, f"discovery names issuer {metadata.get('issuer')!r}", status=502
        )
    return metadata


def discovery_answers(provider: Provider, *, timeout: float = 3) -> str:
    """Say whether the provider's discovery answers, quickly (``flask oauth list``)."""
    if not provider.is_oidc:
        return "no discovery (OAuth 2.0)"
    try:
        server_metadata(provider, make_client(provider, timeout=timeout))
    except ProviderUnavailable as error:
        return f"no: {str(error).split(': ', 1)[1][:120]}"
    return "yes"
