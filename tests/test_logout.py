"""/auth/logout: ending this browser's session."""

from flowpulse.core.models import Session
from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME
from tests.browser import Browser

EMAIL = "ada@example.com"


def session_count(app) -> int:
    with app.app_context():
        return Session.select().count()


def signed_in(browser: Browser, make_user) -> Browser:
    make_user(EMAIL)
    assert browser.sign_in(EMAIL).status_code == 303
    return browser


def auth_cookie_header(response) -> str:
    [header] = [
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith(f"{PLAIN_COOKIE_NAME}=")
    ]
    return header


def test_opening_the_sign_out_address_asks_first_and_signs_nobody_out(app, browser, make_user):
    signed_in(browser, make_user)
    response = browser.get("/auth/logout")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Sign out?</h1>" in page
    assert 'method="post" action="/auth/logout"' in page
    assert session_count(app) == 1
    assert browser.is_signed_in()


def test_opening_the_sign_out_address_signed_out_says_you_are_signed_out(client):
    response = client.get("/auth/logout")
    assert response.status_code == 200
    assert "<h1>You are signed out</h1>" in response.get_data(as_text=True)


def test_signing_out_deletes_the_session_row_and_goes_home(app, browser, make_user):
    signed_in(browser, make_user)
    assert session_count(app) == 1
    response = browser.sign_out()
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/logout"
    assert session_count(app) == 0
    assert not browser.is_signed_in()
    # Said by the page itself: Clear-Site-Data also clears a flash's cookie.
    assert "You are signed out" in browser.get("/auth/logout").get_data(as_text=True)


def test_signing_out_asks_the_browser_to_clear_cookies_and_storage(browser, make_user):
    signed_in(browser, make_user)
    response = browser.sign_out()
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'


def test_signing_out_clears_the_auth_cookie(browser, make_user):
    signed_in(browser, make_user)
    response = browser.sign_out()
    header = auth_cookie_header(response)
    assert header.startswith(f"{PLAIN_COOKIE_NAME}=;")
    assert "Max-Age=0" in header or "1970" in header
    assert browser.session_cookie is None


def test_replaying_the_old_cookie_after_signing_out_does_not_sign_in(app, browser, make_user):
    old_token = signed_in(browser, make_user).session_cookie.value
    browser.sign_out()
    replay = app.test_client()
    replay.set_cookie(PLAIN_COOKIE_NAME, old_token)
    response = replay.get("/profile")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/auth/login")


def test_signing_out_without_a_csrf_token_is_refused_and_keeps_the_session(app, browser, make_user):
    signed_in(browser, make_user)
    response = browser.client.post("/auth/logout")
    assert response.status_code == 400
    assert session_count(app) == 1
    assert browser.is_signed_in()


def test_a_stale_sign_out_token_shows_sign_out_again_never_a_silent_failure(
    app, browser, make_user
):
    signed_in(browser, make_user)
    response = browser.client.post("/auth/logout", data={"csrf_token": "stale"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<h1>Sign out?</h1>" in page
    assert "This form expired" in page
    assert page.startswith("<!doctype html>") and "<title>Error: Sign out?" in page
    # The button again, with a token that works.
    assert browser.submit("/auth/logout", {}).status_code == 303
    assert session_count(app) == 0


def test_signing_out_ends_only_this_browser(app, browser, make_user, new_browser):
    signed_in(browser, make_user)
    laptop = new_browser()
    laptop.sign_in(EMAIL)
    browser.sign_out()
    assert laptop.is_signed_in()
    assert session_count(app) == 1
