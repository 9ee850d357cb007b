"""GitHub: OAuth 2.0 without an ID token, so the API says who signed in.

``/user`` gives the stable numeric id (the ``account_id``) and the name;
``/user/emails`` the primary address and whether GitHub verified it (the
profile's public ``email`` may be any address, unverified: it is not used).
"""

import requests

from flowpulse.social.clients import UNREACHABLE, ProviderUnavailable
from flowpulse.social.errors import FlowFailed
from flowpulse.social.identity import Identity


def identity(provider, client, token: dict):
    """Return the ``Identity`` GitHub's API describes for ``token``."""
    user = _get(provider, client, token, "user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), int):
        raise FlowFailed("GitHub's /user has no numeric id")
    email, verified = primary_email(_get(provider, client, token, "user/emails", optional=True))
    return Identity(
        provider=provider,
        # GitHub has no issuer: its API (github.com, or an Enterprise server) names who proved it.
        issuer=provider.issuer or provider.api_base_url,
        account_id=str(user["id"]),
        email=email,
        email_verified=verified or (email is not None and provider.trust_email),
        name=user.get("name") or user.get("login"),
        token=token,
    )


def primary_email(emails) -> tuple[str | None, bool]:
    """Return the primary address of ``/user/emails`` and whether GitHub verified it."""
    if not isinstance(emails, list):
        return None, False
    for entry in emails:
        if isinstance(entry, dict) and entry.get("primary") and isinstance(entry.get("email"), str):
            return entry["email"], entry.get("verified") is True
    return None, False


def _get(provider, client, token: dict, path: str, *, optional: bool = False):
    try:
        response = client.get(path, token=token)
    except UNREACHABLE as error:
        raise ProviderUnavailable(provider.id, f"API {path}: {error}", status=502) from None
    except requests.RequestException as error:
        raise FlowFailed(f"GitHub API {path}: {error}") from None
    if response.status_code != 200:
        if optional:  # a token without the user:email scope: no address, refused later
            return None
        raise FlowFailed(f"GitHub API {path} answered {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise FlowFailed(f"GitHub API {path} answered no JSON") from None
