"""The auth cookie and its ``session`` row: flags, lifetimes, sliding expiry, redirects."""

import hashlib
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from flowpulse.core.clock import utcnow
from flowpulse.core.models import Session
from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME, SECURE_COOKIE_NAME
from tests.browser import Browser, csrf_token_in
from tests.helpers import count_queries

EMAIL = "ada@example.com"
ONE_SECOND = timedelta(seconds=1)


def cookie_attributes(response, name: str = PLAIN_COOKIE_NAME) -> dict[str, str]:
    """Return the attributes of the ``Set-Cookie`` for ``name`` (keys lower-cased)."""
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    first, *rest = header.split("; ")
    attributes = {"value": first.partition("=")[2]}
    for part in rest:
        key, _, value = part.partition("=")
        attributes[key.lower()] = value
    return attributes


def sets_cookie(response, name: str = PLAIN_COOKIE_NAME) -> bool:
    return any(h.startswith(f"{name}=") for h in response.headers.getlist("Set-Cookie"))


def cookie_expiry(attributes: dict[str, str]) -> datetime:
    """Return a cookie's Expires as a naive UTC datetime."""
    return parsedate_to_datetime(attributes["expires"]).replace(tzinfo=None)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def row_of(app, token: str) -> Session:
    with app.app_context():
        return Session.get(Session.token == sha256(token))


def move_row(app, token: str, **columns) -> None:
    with app.app_context():
        Session.update(**columns).where(Session.token == sha256(token)).execute()


def signed_in(browser: Browser, make_user, *, remember: bool = False) -> str:
    """Sign a fresh user in on ``browser``; return the auth cookie's token."""
    make_user(EMAIL)
    assert browser.sign_in(EMAIL, remember=remember).status_code == 303
    return browser.session_cookie.value


def test_the_plain_http_cookie_is_named_flowpulse_session(browser, make_user):
    make_user(EMAIL)
    response = browser.sign_in(EMAIL)
    assert sets_cookie(response, PLAIN_COOKIE_NAME)
    assert not sets_cookie(response, SECURE_COOKIE_NAME)


class TestSecureCookie:
    """``SESSION_COOKIE_SECURE`` on, as in production."""

    @pytest.fixture
    def app_config(self):
        return {"SESSION_COOKIE_SECURE": True}

    def test_the_cookie_is_a_host_only_secure_httponly_lax_cookie(self, browser, make_user):
        make_user(EMAIL)
        cookie = cookie_attributes(browser.sign_in(EMAIL), "__Host-flowpulse_session")
        assert "secure" in cookie
        assert "httponly" in cookie
        assert cookie["path"] == "/"
        assert "domain" not in cookie
        assert cookie["samesite"] == "Lax"

    def test_the_secure_cookie_keeps_the_browser_signed_in(self, browser, make_user):
        make_user(EMAIL)
        browser.sign_in(EMAIL)
        assert browser.is_signed_in()


def test_the_plain_cookie_is_httponly_and_lax_on_path_root(browser, make_user):
    make_user(EMAIL)
    cookie = cookie_attributes(browser.sign_in(EMAIL))
    assert "httponly" in cookie
    assert cookie["path"] == "/"
    assert cookie["samesite"] == "Lax"
    assert "domain" not in cookie


def test_without_remember_the_cookie_ends_with_the_browser_and_the_row_within_a_day(
    app, browser, make_user
):
    make_user(EMAIL)
    cookie = cookie_attributes(browser.sign_in(EMAIL))
    assert "expires" not in cookie
    assert "max-age" not in cookie
    row = row_of(app, cookie["value"])
    assert row.expires_at - row.created_at <= timedelta(days=1)


def test_with_remember_the_cookie_expires_with_its_row_in_seven_days(app, browser, make_user):
    make_user(EMAIL)
    cookie = cookie_attributes(browser.sign_in(EMAIL, remember=True))
    row = row_of(app, cookie["value"])
    assert abs(cookie_expiry(cookie) - row.expires_at) <= ONE_SECOND
    assert abs(row.expires_at - row.created_at - timedelta(days=7)) <= ONE_SECOND


def test_the_cookie_token_carries_at_least_256_random_bits(browser, make_user, new_browser):
    token = signed_in(browser, make_user)
    longest_base64url_run = max(re.findall(r"[A-Za-z0-9_-]+", token), key=len)
    assert len(longest_base64url_run) >= 43  # 43 base64url characters hold 258 bits
    other = new_browser()
    other.sign_in(EMAIL)
    assert other.session_cookie.value != token


def test_the_row_keeps_the_tokens_sha256_digest_never_the_token(app, browser, make_user):
    token = signed_in(browser, make_user)
    with app.app_context():
        [row] = Session.select()
    assert row.token == sha256(token)
    assert token not in row.token


def test_the_row_records_the_client_ip_and_user_agent(app, browser, make_user):
    make_user(EMAIL)
    browser.submit(
        "/auth/login",
        {"email": EMAIL, "password": "correct horse battery staple 42"},
        headers={"User-Agent": "Firefox on a test bench"},
    )
    row = row_of(app, browser.session_cookie.value)
    assert row.ip_address == "127.0.0.1"
    assert row.user_agent == "Firefox on a test bench"


def test_deleting_the_row_signs_that_browser_out_at_its_next_request(app, browser, make_user):
    signed_in(browser, make_user)
    with app.app_context():
        Session.delete().execute()
    assert not browser.is_signed_in()


def test_an_expired_row_is_not_honoured(app, browser, make_user):
    token = signed_in(browser, make_user, remember=True)
    move_row(app, token, expires_at=utcnow() - ONE_SECOND)
    assert not browser.is_signed_in()


def test_a_remembered_session_older_than_the_absolute_lifetime_is_not_honoured(
    app, browser, make_user
):
    token = signed_in(browser, make_user, remember=True)
    lifetime = timedelta(seconds=app.config["AUTH_SESSION_ABSOLUTE_LIFETIME"])
    move_row(
        app,
        token,
        created_at=utcnow() - lifetime - ONE_SECOND,
        updated_at=utcnow(),
        expires_at=utcnow() + timedelta(days=1),
    )
    assert not browser.is_signed_in()


def test_a_browser_session_older_than_a_day_is_not_honoured(app, browser, make_user):
    token = signed_in(browser, make_user)
    move_row(
        app,
        token,
        created_at=utcnow() - timedelta(days=1, seconds=1),
        updated_at=utcnow(),
        expires_at=utcnow() + timedelta(hours=1),
    )
    assert not browser.is_signed_in()


def test_after_update_age_a_request_slides_the_row_and_the_cookie_expiry(app, browser, make_user):
    token = signed_in(browser, make_user, remember=True)
    idle = timedelta(seconds=app.config["AUTH_SESSION_UPDATE_AGE"] + 60)
    move_row(app, token, updated_at=utcnow() - idle, expires_at=utcnow() + timedelta(hours=1))
    response = browser.get("/profile")
    assert response.status_code == 200
    row = row_of(app, token)
    assert utcnow() - row.updated_at < timedelta(minutes=1)
    assert row.expires_at > utcnow() + timedelta(days=6)
    cookie = cookie_attributes(response)
    assert cookie["value"] == token
    assert abs(cookie_expiry(cookie) - row.expires_at) <= ONE_SECOND


def test_before_update_age_an_authenticated_page_costs_one_query_and_writes_nothing(
    app, browser, make_user
):
    token = signed_in(browser, make_user, remember=True)
    before = row_of(app, token)
    with count_queries() as statements:
        response = browser.get("/profile")
    assert response.status_code == 200
    assert len(statements) == 1, statements
    assert not sets_cookie(response)
    after = row_of(app, token)
    assert (after.updated_at, after.expires_at) == (before.updated_at, before.expires_at)


def test_each_sign_in_creates_a_fresh_row_and_token(app, make_user, new_browser):
    make_user(EMAIL)
    phone, laptop = new_browser(), new_browser()
    phone.sign_in(EMAIL)
    laptop.sign_in(EMAIL)
    with app.app_context():
        digests = {row.token for row in Session.select()}
    assert len(digests) == 2
    assert phone.session_cookie.value != laptop.session_cookie.value


def test_signing_in_replaces_a_planted_auth_cookie(app, browser, make_user):
    make_user(EMAIL)
    planted = "attacker-chosen-token-" + "x" * 40
    browser.client.set_cookie(PLAIN_COOKIE_NAME, planted)
    browser.sign_in(EMAIL)
    assert browser.session_cookie.value != planted
    with app.app_context():
        assert Session.get_or_none(Session.token == sha256(planted)) is None


def test_signing_in_starts_a_new_flask_session(app, browser, make_user):
    make_user(EMAIL)
    flask_cookie = app.config["SESSION_COOKIE_NAME"]
    old_form_token = csrf_token_in(browser.get("/auth/login").get_data(as_text=True))
    old_flask_cookie = browser.client.get_cookie(flask_cookie).value
    browser.sign_in(EMAIL)
    assert browser.client.get_cookie(flask_cookie).value != old_flask_cookie
    # Anything kept in the old session, its CSRF token included, is gone.
    response = browser.client.post("/auth/logout", data={"csrf_token": old_form_token})
    assert response.status_code == 400
    assert browser.is_signed_in()


def test_authenticated_pages_are_not_stored_in_caches(browser, make_user):
    signed_in(browser, make_user)
    assert "no-store" in browser.get("/profile").headers["Cache-Control"]


@pytest.mark.parametrize(
    ("target", "destination"),
    [
        ("/profile?tab=1", "/profile?tab=1"),
        ("https://evil.example", "/profile"),
        ("//evil.example", "/profile"),
        ("/\\evil.example", "/profile"),
        ("/\t/evil.example", "/profile"),
        ("javascript:alert(1)", "/profile"),
        ("http:/evil", "/profile"),
    ],
    ids=["same-site", "absolute", "scheme-relative", "backslash", "tab", "javascript", "http:/"],
)
def test_sign_in_follows_only_a_same_site_next(browser, make_user, target, destination):
    make_user(EMAIL)
    response = browser.sign_in(EMAIL, next=quote(target, safe=""))
    assert response.status_code == 303
    assert response.headers["Location"] == destination


def test_a_signed_out_visit_to_the_profile_is_sent_to_sign_in_and_back(client):
    response = client.get("/profile")
    assert response.status_code in (302, 303)
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login"
    assert parse_qs(location.query) == {"next": ["/profile"]}
