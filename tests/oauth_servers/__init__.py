"""Loopback stand-ins for the identity providers FlowPulse's social sign-in talks to.

* ``oidc.OIDCProvider``: a real OpenID Connect provider (the npm package
  oidc-provider, run by Node.js from ``oidc/server.mjs``).
* ``github.GitHubServer``: GitHub's OAuth 2.0 endpoints and the two API calls
  a sign-in needs, in a thread of the test process.
* ``fixtures``: the pytest fixtures ``oidc_provider`` and ``github_server``.
"""
