"""pytest fixtures for the identity-provider stand-ins.

A conftest (or a test module) makes them available with one line::

    from tests.oauth_servers.fixtures import oidc_provider, github_server  # noqa: F401

``oidc_provider``: the one oidc-provider process of this test session,
started by the first test that asks for it and stopped when the session
ends; each test gets it reset (start accounts, switches and redirect URIs;
``issued_tokens()`` empty). A test changes it with ``configure(...)``.
Without Node.js or ``tests/oauth_servers/oidc/node_modules`` the test skips
with one line saying so. If the provider fails to start, every test that
asks for it fails with the provider's log (it is not restarted per test).

``github_server``: a fresh GitHub stand-in per test (it starts in
milliseconds, so no state leaks from one test to the next).
"""

import pytest

from tests.oauth_servers.github import GitHubServer
from tests.oauth_servers.oidc import OIDCProvider, unavailable_reason

#: Redirect URIs the provider's client accepts unless a test configures others.
#: The Flask test client's origin is http://localhost (make_app's BASE_URL).
OIDC_REDIRECT_URIS = ("http://localhost/callback",)

_session: dict = {"provider": None, "failure": None, "used": 0, "skipped": None}

#: The line a test run ends with; ``.ci/run`` fails unless it says "ran".
OUTCOME_RAN = "FlowPulse identity provider tests: ran"


def provider_outcome() -> str:
    """One line: did tests run against the real provider, and how many asked for it."""
    if _session["used"]:
        return f"{OUTCOME_RAN} ({_session['used']} tests used oidc-provider)"
    if _session["skipped"]:
        return f"FlowPulse identity provider tests: skipped ({_session['skipped']})"
    return "FlowPulse identity provider tests: none selected"


def _session_provider(config) -> OIDCProvider:
    """Start the session's provider once; stop it when pytest ends."""
    reason = unavailable_reason()
    if reason:
        _session["skipped"] = reason
        pytest.skip(reason)
    if _session["failure"]:
        pytest.fail(_session["failure"], pytrace=False)
    if _session["provider"] is None:
        try:
            provider = OIDCProvider(redirect_uris=OIDC_REDIRECT_URIS).start()
        except RuntimeError as error:
            _session["failure"] = str(error)
            raise
        _session["provider"] = provider

        def stop() -> None:
            provider.stop()
            _session["provider"] = None

        config.add_cleanup(stop)
    return _session["provider"]


@pytest.fixture
def oidc_provider(request) -> OIDCProvider:
    """The session's OpenID Connect provider, reset for this test."""
    provider = _session_provider(request.config)
    if provider.returncode is not None:
        pytest.fail(f"oidc-provider exited ({provider.returncode}):\n{provider.log_text()}")
    provider.reset()
    _session["used"] += 1
    return provider


@pytest.fixture
def github_server():
    """A GitHub stand-in for this test: octocat (id 12345), no refresh tokens."""
    with GitHubServer() as server:
        yield server
