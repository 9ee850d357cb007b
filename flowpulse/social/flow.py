"""The authorization code flow, bound to this browser, ending in a proven ``Identity``.

``start`` keeps the flow's secrets (state, nonce, PKCE verifier) and its
purpose (sign-in, connect, re-authenticate; where to go next) in Flask's
signed session cookie, so only the browser that started a flow can finish
it: a callback opened anywhere else (login CSRF, a replayed URL) finds no
flow or another state. ``finish`` takes the flow out first, so it is used
once whatever happens, and refuses a flow older than ten minutes.

Checked here: ``state``; RFC 9207's ``iss`` (Authlib's Flask client does
not look at it: a mix-up attack would pass); the provider's ``error``
(never shown as sent); then Authlib exchanges the code with the PKCE
verifier and checks the ID token's signature (JWKS), ``iss``, ``aud``,
``exp`` and ``nonce``.
"""

import hmac
import logging
import time

import requests
from authlib.common.errors import AuthlibBaseError
from flask import session
from joserfc.errors import JoseError

from flowpulse.services.links import absolute_url
from flowpulse.social import clients, github
from flowpulse.social.clients import UNREACHABLE, ProviderUnavailable
from flowpulse.social.errors import FlowFailed, ProviderDenied
from flowpulse.social.identity import Identity
from flowpulse.social.providers import Provider

log = logging.getLogger(__name__)

#: Where this browser keeps its flow in progress (one at a time).
FLOW_KEY = "oauth_flow"
#: Seconds a started flow may take to come back.
FLOW_LIFETIME = 600

SIGN_IN, CONNECT, REAUTHENTICATE = "sign-in", "connect", "reauthenticate"

#: What a bad ID token raises, from joserfc (signature, key) or Authlib (claims).
ID_TOKEN_ERRORS = (JoseError, AuthlibBaseError, ValueError, KeyError, TypeError)


def redirect_uri(provider: Provider) -> str:
    """The callback registered at the provider: ``{BASE_URL}/auth/oauth/<id>/callback``."""
    return absolute_url("auth.oauth_callback", provider=provider.id)


def start(provider: Provider, *, intent: str, next_url: str | None, user_id=None) -> str:
    """Keep a new flow in this browser; return the provider's authorization URL."""
    client = clients.client_for(provider.id)
    clients.server_metadata(provider, client)  # ProviderUnavailable before anything is kept
    extra = {"response_mode": "form_post"} if provider.response_mode == "form_post" else {}
    planned = client.create_authorization_url(redirect_uri(provider), **extra)
    session[FLOW_KEY] = {
        "provider": provider.id,
        "state": planned["state"],
        "verifier": planned["code_verifier"],
        "nonce": planned.get("nonce"),
        "intent": intent,
        "next": next_url,
        "user": user_id,
        "at": time.time(),
    }
    return planned["url"]


def take_flow(provider: Provider, answer) -> dict:
    """Take this browser's flow out (single use) and check the answer belongs to it."""
    flow = session.pop(FLOW_KEY, None)
    if not isinstance(flow, dict) or flow.get("provider") != provider.id:
        raise FlowFailed("no flow of this provider was started in this browser")
    if not 0 <= time.time() - flow["at"] <= FLOW_LIFETIME:
        raise FlowFailed("the flow is older than ten minutes")
    state = answer.get("state")
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, a 500).
    if not isinstance(state, str) or not hmac.compare_digest(
        state.encode(), flow["state"].encode()
    ):
        raise FlowFailed("state does not match this browser's flow")
    return flow


def check_issuer(provider: Provider, answer) -> None:
    """RFC 9207: the authorization response's ``iss`` must be our provider's issuer."""
    if not provider.is_oidc:
        return
    metadata = clients.server_metadata(provider)
    sent = answer.get("iss")
    if sent is None:
        if metadata.get("authorization_response_iss_parameter_supported"):
            raise FlowFailed("iss missing, though the provider always sends it")
        return
    if not hmac.compare_digest(sent.encode(), metadata["issuer"].encode()):
        raise FlowFailed("iss names another issuer (mix-up)")


def finish(provider: Provider, answer) -> tuple[Identity, dict]:
    """Check the provider's answer and return who signed in, and the flow's purpose."""
    flow = take_flow(provider, answer)
    check_issuer(provider, answer)
    if answer.get("error"):
        # Logged as a short code only: the provider's text is never echoed.
        raise ProviderDenied(f"provider answered error={str(answer['error'])[:40]!r}")
    code = answer.get("code")
    if not code:
        raise FlowFailed("no code in the provider's answer")
    token = _exchange(provider, code, flow)
    if provider.is_oidc:
        return _oidc_identity(provider, token, flow), flow
    return github.identity(provider, clients.client_for(provider.id), token), flow


def _exchange(provider: Provider, code: str, flow: dict) -> dict:
    client = clients.client_for(provider.id)
    try:
        return client.fetch_access_token(
            redirect_uri=redirect_uri(provider), code=code, code_verifier=flow["verifier"]
        )
    except UNREACHABLE as error:
        raise ProviderUnavailable(provider.id, f"token endpoint: {error}", status=502) from None
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:
        raise FlowFailed(f"token exchange refused: {str(error)[:200]}") from None


def _oidc_identity(provider: Provider, token: dict, flow: dict) -> Identity:
    client = clients.client_for(provider.id)
    if "id_token" not in token:
        raise FlowFailed("no ID token in the token response")
    try:
        claims = dict(client.parse_id_token(token, nonce=flow["nonce"]))
    except UNREACHABLE as error:
        raise ProviderUnavailable(provider.id, f"JWKS: {error}", status=502) from None
    except (*ID_TOKEN_ERRORS, requests.RequestException) as error:
        raise FlowFailed(f"ID token refused: {type(error).__name__}: {error}") from None
    if "email" not in claims:
        claims.update(_userinfo(provider, client, token, claims["sub"]))
    verified = claims.get("email_verified") in (True, "true") or provider.trust_email
    return Identity(
        provider=provider,
        # Authlib checked ``iss`` against the discovered issuer (an essential claim).
        issuer=str(claims.get("iss") or provider.issuer),
        account_id=str(claims["sub"]),
        email=claims.get("email") if isinstance(claims.get("email"), str) else None,
        email_verified=verified,
        name=claims.get("name") if isinstance(claims.get("name"), str) else None,
        token=token,
    )


def _userinfo(provider: Provider, client, token: dict, sub: str) -> dict:
    """The email claims from userinfo, for providers that keep them out of the ID token."""
    if not clients.server_metadata(provider).get("userinfo_endpoint"):
        return {}
    try:
        info = dict(client.userinfo(token=token))
    except UNREACHABLE as error:
        raise ProviderUnavailable(provider.id, f"userinfo: {error}", status=502) from None
    except (requests.RequestException, ValueError) as error:
        raise FlowFailed(f"userinfo refused: {error}") from None
    if info.get("sub") != sub:  # OpenID Connect Core 5.3.2: must be the ID token's sub
        raise FlowFailed("userinfo describes another subject")
    return {key: info[key] for key in ("email", "email_verified", "name") if key in info}
