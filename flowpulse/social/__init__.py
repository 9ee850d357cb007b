"""Social sign-in's plumbing: which providers are configured, and talking to them.

* ``providers``: ``OAUTH_PROVIDERS`` read into ``Provider`` objects (presets
  google, microsoft, gitlab, github; any other key is generic OpenID Connect).
* ``clients``: one Authlib client per provider, built at start-up, whose
  discovery document and JWKS are fetched on first use and cached.
* ``flow``: the authorization code flow (state, nonce, PKCE S256, RFC 9207
  ``iss``) bound to this browser, ending in a proven ``Identity``.
* ``github``: GitHub's ``/user`` and ``/user/emails``, GitHub having no ID token.

The rules about what an identity may do (sign in, create, link) live in
``flowpulse.services.social_accounts``; this package only proves who it is.
"""

from flask import Flask

from flowpulse.core import crypto
from flowpulse.social import clients
from flowpulse.social.providers import load_providers

#: Where an app keeps its providers (id -> Provider, in configuration order).
EXTENSION = "flowpulse.social.providers"


def init_app(app: Flask) -> None:
    """Read the providers and the token cipher; a bad setting stops start-up with one line."""
    crypto.init_app(app)
    providers = load_providers(app.config.get("OAUTH_PROVIDERS"))
    app.extensions[EXTENSION] = providers
    clients.init_app(app, providers)
    # The buttons of the sign-in and sign-up pages, built once, not per request.
    app.jinja_env.globals["social_providers"] = [
        (provider.id, provider.name) for provider in providers.values()
    ]
