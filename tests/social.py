"""Social sign-in in tests: the app wired to the real provider and the GitHub stand-in.

``social_config(oidc_provider, github_server)`` is an ``app_config`` with two
providers: ``acme`` (generic OpenID Connect: the oidc-provider process) and
``github`` (the stand-in). ``sign_in_with`` plays a person pressing a
provider's button in one ``Browser`` and signing in at the provider.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from flowpulse.core.database import db
from flowpulse.core.models import Account, Session, User
from tests.browser import csrf_token_in

ACME = "acme"
GITHUB = "github"
CALLBACK = "http://localhost/auth/oauth/{}/callback"


def social_config(oidc_provider, github_server=None, **acme) -> dict:
    """An ``app_config`` with acme (OIDC) and, if given, github; registers the callbacks."""
    providers = {
        ACME: {
            "name": "Acme ID",
            "client_id": oidc_provider.client_id,
            "client_secret": oidc_provider.client_secret,
            "issuer": oidc_provider.issuer,
            **acme,
        }
    }
    oidc_provider.register_redirect_uris(CALLBACK.format(ACME))
    if github_server is not None:
        providers[GITHUB] = {
            "client_id": github_server.client_id,
            "client_secret": github_server.client_secret,
            "authorize_url": github_server.authorize_url,
            "token_url": github_server.token_url,
            "api_base_url": github_server.api_base_url,
        }
    return {"OAUTH_PROVIDERS": providers}


def start(browser, provider_id: str = ACME, *, next: str | None = None, page="/auth/login"):
    """Press the provider's button on ``page``; return the response (303 to the provider)."""
    token = csrf_token_in(browser.get(page).get_data(as_text=True))
    data = {"csrf_token": token, **({"next": next} if next is not None else {})}
    return browser.client.post(f"/auth/oauth/{provider_id}", data=data)


def deliver(browser, answer):
    """Hand the provider's answer (redirect or form_post) to the browser; follow a relay."""
    if answer[0] == "GET":
        parts = urlsplit(answer[1])
        return browser.client.get(f"{parts.path}?{parts.query}")
    response = browser.client.post(urlsplit(answer[1]).path, data=answer[2])
    if response.status_code == 303 and "/callback?" in response.headers["Location"]:
        return browser.client.get(response.headers["Location"])
    return response


def sign_in_with(browser, server, *, login=None, consent=True, next=None, page="/auth/login"):
    """Sign in at ``server`` (oidc_provider or github_server); return the callback's answer."""
    provider_id = GITHUB if hasattr(server, "add_user") else ACME
    started = start(browser, provider_id, next=next, page=page)
    assert started.status_code == 303, started.get_data(as_text=True)
    answer = authorize(server, started.headers["Location"], login=login, consent=consent)
    return deliver(browser, answer)


def authorize(server, authorize_url: str, *, login=None, consent=True):
    """The provider's part: sign in there, and return its answer (unfollowed)."""
    if hasattr(server, "add_user"):
        return server.sign_in(authorize_url, login=login, consent=consent)
    return server.sign_in(authorize_url, login=login or "alice", consent=consent)


def with_query(url: str, **changes) -> str:
    """Return ``url`` with query parameters replaced (None removes one)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return parts._replace(query=urlencode(query)).geturl()


def accounts_of(app, email: str) -> list[str]:
    """The provider ids of a user's accounts, sorted (``credential`` for a password)."""
    with app.app_context():
        user = User.by_email(email)
        rows = [] if user is None else Account.select().where(Account.user == user.id)
        found = sorted(row.provider_id for row in rows)
        db.close()
    return found


def counts(app) -> tuple[int, int, int]:
    """(users, accounts, sessions) in the database."""
    with app.app_context():
        found = (User.select().count(), Account.select().count(), Session.select().count())
        db.close()
    return found


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.fixture
def extra_config() -> dict:
    """More app settings for one test (parametrize it)."""
    return {}


@pytest.fixture
def acme_settings() -> dict:
    """More settings of the acme provider for one test (parametrize it)."""
    return {}


@pytest.fixture
def app_config(oidc_provider, github_server, extra_config, acme_settings):
    """The app with acme and github configured (a test module imports this fixture)."""
    return {**social_config(oidc_provider, github_server, **acme_settings), **extra_config}
