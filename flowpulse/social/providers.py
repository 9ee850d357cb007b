"""``OAUTH_PROVIDERS``: every configured identity provider, checked at start-up.

A JSON object keyed by provider id. Per provider: ``client_id``,
``client_secret``, optional ``name`` (the button's label), ``scope``,
``trust_email`` (treat the email as verified without an ``email_verified``
claim: a company IdP) and ``response_mode`` (``query``, or ``form_post``).
The keys ``google``, ``microsoft`` (needs ``tenant``), ``gitlab`` and
``github`` are presets; any other key is generic OpenID Connect and needs
``issuer``. Every preset URL can be overridden (``issuer``; for GitHub
``authorize_url``, ``token_url``, ``api_base_url``: GitHub Enterprise, tests).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from flowpulse.core.models import CREDENTIAL_PROVIDER

OIDC = "oidc"
GITHUB = "github"

#: What a provider id may look like: it is a URL segment and an ``account.provider_id``.
PROVIDER_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")

#: Settings a provider entry may carry; anything else is a typo worth a clear error.
KNOWN_SETTINGS = {
    "client_id",
    "client_secret",
    "name",
    "scope",
    "trust_email",
    "response_mode",
    "issuer",
    "tenant",
    "authorize_url",
    "token_url",
    "api_base_url",
}

PRESETS = {
    "google": {"kind": OIDC, "name": "Google", "issuer": "https://accounts.google.com"},
    "microsoft": {
        "kind": OIDC,
        "name": "Microsoft",
        "issuer": "https://login.microsoftonline.com/{tenant}/v2.0",
    },
    "gitlab": {"kind": OIDC, "name": "GitLab", "issuer": "https://gitlab.com"},
    "github": {
        "kind": GITHUB,
        "name": "GitHub",
        "scope": "read:user user:email",
        "authorize_url": "https://github.com/login/oauth/authorize",
        "token_url": "https://github.com/login/oauth/access_token",
        "api_base_url": "https://api.github.com/",
    },
}

#: What an OpenID Connect sign-in asks for unless ``scope`` says otherwise.
OIDC_SCOPE = "openid email profile"


class ProviderConfigError(ValueError):
    """``OAUTH_PROVIDERS`` is wrong; the message says where, in one line."""


@dataclass(frozen=True)
class Provider:
    """One configured identity provider."""

    id: str
    name: str
    kind: str
    client_id: str
    client_secret: str
    scope: str
    trust_email: bool = False
    response_mode: str = "query"
    issuer: str | None = None
    authorize_url: str | None = None
    token_url: str | None = None
    api_base_url: str | None = None

    @property
    def is_oidc(self) -> bool:
        return self.kind == OIDC

    @property
    def discovery_url(self) -> str | None:
        """Where the OpenID Connect discovery document is (None for GitHub)."""
        if not self.is_oidc:
            return None
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def name_of(provider_id: str) -> str:
    """Return a provider's label (its id when it is no longer configured)."""
    provider = current_app.extensions["flowpulse.social.providers"].get(provider_id)
    return provider.name if provider else provider_id


def sign_in_origins(providers: dict[str, Provider]) -> list[str]:
    """The origins a provider button's form ends up at, after its 303 (CSP ``form-action``).

    GitHub's authorization page is at ``authorize_url``; an OpenID Connect
    provider's is at its issuer's origin (Google, Microsoft, GitLab, Keycloak
    and the like keep both together).
    """
    origins = set()
    for provider in providers.values():
        parts = urlsplit(provider.authorize_url or provider.issuer or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def load_providers(raw) -> dict[str, Provider]:
    """Return the providers ``OAUTH_PROVIDERS`` configures (``ProviderConfigError``)."""
    if raw in (None, "", {}):
        return {}
    if not isinstance(raw, dict):
        raise ProviderConfigError(
            "OAUTH_PROVIDERS must be a JSON object keyed by provider id, "
            'e.g. {"google": {"client_id": "...", "client_secret": "..."}}'
        )
    return {key: _provider(key, settings) for key, settings in raw.items()}


def _provider(key: str, settings) -> Provider:
    where = f"OAUTH_PROVIDERS[{key!r}]"
    if not PROVIDER_ID.fullmatch(key) or key == CREDENTIAL_PROVIDER:
        raise ProviderConfigError(f"{where}: a provider id is 1-40 of a-z, 0-9, - and _")
    if not isinstance(settings, dict):
        raise ProviderConfigError(f"{where} must be an object of settings")
    unknown = sorted(set(settings) - KNOWN_SETTINGS)
    if unknown:
        raise ProviderConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}")
    values = {**PRESETS.get(key, {"kind": OIDC, "name": key}), **settings}
    for required in ("client_id", "client_secret"):
        if not values.get(required):
            raise ProviderConfigError(f"{where}: {required} is required")
    if values["kind"] == OIDC:
        values["issuer"] = _issuer(where, values)
    if values.get("response_mode", "query") not in ("query", "form_post"):
        raise ProviderConfigError(f"{where}: response_mode is query or form_post")
    return Provider(
        id=key,
        name=str(values["name"]),
        kind=values["kind"],
        # JSON-parsed environment values may be numbers: ids are text.
        client_id=str(values["client_id"]),
        client_secret=str(values["client_secret"]),
        scope=str(values.get("scope") or OIDC_SCOPE),
        trust_email=values.get("trust_email") is True,
        response_mode=values.get("response_mode", "query"),
        issuer=values.get("issuer"),
        authorize_url=values.get("authorize_url"),
        token_url=values.get("token_url"),
        api_base_url=values.get("api_base_url"),
    )


def _issuer(where: str, values: dict) -> str:
    issuer = values.get("issuer")
    if not issuer:
        raise ProviderConfigError(f"{where}: issuer is required for OpenID Connect")
    if "{tenant}" in issuer:
        # Microsoft's multi-tenant endpoints have no one issuer to check ID tokens against.
        if not values.get("tenant"):
            raise ProviderConfigError(f"{where}: tenant (your directory's id) is required")
        issuer = issuer.replace("{tenant}", str(values["tenant"]))
    if not re.match(r"https?://", str(issuer)):
        raise ProviderConfigError(f"{where}: issuer must be an http(s) URL")
    return str(issuer)
