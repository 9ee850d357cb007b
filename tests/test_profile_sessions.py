"""/profile/sessions: every signed-in device, and signing them out."""

import re

import pytest

from flowpulse.core.models import Session
from flowpulse.core.tokens import digest
from tests.browser import STRONG_PASSWORD
from tests.helpers import count_queries
from tests.test_devices import CHROME_ANDROID, FIREFOX_WINDOWS, SAFARI_IPHONE, SAFARI_MAC


def sign_in_with(browser, user_agent, email="ada@example.com"):
    """Sign in the way a browser with this user agent would."""
    response = browser.submit(
        "/auth/login",
        {"email": email, "password": STRONG_PASSWORD},
        headers={"User-Agent": user_agent},
    )
    assert response.status_code == 303
    return browser


def row_id_of(app, browser) -> str:
    """Return the id of the session row a browser's cookie points at."""
    with app.app_context():
        return Session.get(Session.token == digest(browser.session_cookie.value)).id


def revoke(browser, session_id):
    return browser.submit("/profile/sessions", {}, action=f"/profile/sessions/{session_id}/revoke")


def session_count(app, user=None) -> int:
    with app.app_context():
        query = Session.select()
        return (query.where(Session.user == user.id) if user else query).count()


def test_the_page_names_each_device_and_puts_this_one_first(browser, new_browser, ada_account):
    sign_in_with(new_browser(), SAFARI_IPHONE)
    sign_in_with(new_browser(), CHROME_ANDROID)
    sign_in_with(new_browser(), SAFARI_MAC)
    sign_in_with(browser, FIREFOX_WINDOWS)

    page = browser.get("/profile/sessions").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)[1:]  # skip the header row
    assert len(rows) == 4
    assert "Firefox on Windows" in rows[0] and "this device" in rows[0]
    others = "".join(rows[1:])
    for name in ["Safari on iPhone", "Chrome on Android", "Safari on Mac"]:
        assert name in others
    assert "this device" not in others
    assert "127.0.0.1" in rows[1]


def test_the_page_shows_when_each_device_signed_in_and_was_last_active(app, browser, ada_account):
    sign_in_with(browser, FIREFOX_WINDOWS)
    with app.app_context():
        row = Session.get(Session.id == row_id_of(app, browser))
    page = browser.get("/profile/sessions").get_data(as_text=True)
    assert f'datetime="{row.created_at:%Y-%m-%dT%H:%M:%SZ}"' in page
    assert f'datetime="{row.updated_at:%Y-%m-%dT%H:%M:%SZ}"' in page


def test_the_page_carries_session_ids_but_never_tokens_or_digests(
    app, browser, new_browser, ada_account
):
    phone = sign_in_with(new_browser(), SAFARI_IPHONE)
    sign_in_with(browser, FIREFOX_WINDOWS)
    page = browser.get("/profile/sessions").get_data(as_text=True)
    for device in (browser, phone):
        token = device.session_cookie.value
        assert token not in page and digest(token) not in page
        assert f"/profile/sessions/{row_id_of(app, device)}/revoke" in page


def test_the_list_costs_the_same_queries_however_many_devices(browser, new_browser, ada_account):
    sign_in_with(browser, FIREFOX_WINDOWS)
    with count_queries() as few:
        browser.get("/profile/sessions")
    for _ in range(4):
        sign_in_with(new_browser(), SAFARI_IPHONE)
    with count_queries() as many:
        page = browser.get("/profile/sessions").get_data(as_text=True)
    assert page.count('<span class="device-name">Safari on iPhone</span>') == 4
    assert len(many) == len(few)


def test_revoking_another_device_signs_it_out(app, browser, new_browser, ada_account):
    phone = sign_in_with(new_browser(), SAFARI_IPHONE)
    sign_in_with(browser, FIREFOX_WINDOWS)
    phone_row = row_id_of(app, phone)

    response = revoke(browser, phone_row)
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile/sessions"
    assert not phone.is_signed_in()
    assert browser.is_signed_in()
    with app.app_context():
        assert Session.get_or_none(Session.id == phone_row) is None


def test_revoking_someone_elses_session_is_not_found_and_changes_nothing(
    app, browser, new_browser, ada_account, make_user
):
    grace = make_user("grace@example.com", name="Grace Hopper")
    victim = sign_in_with(new_browser(), SAFARI_MAC, email="grace@example.com")
    sign_in_with(browser, FIREFOX_WINDOWS)

    response = revoke(browser, row_id_of(app, victim))
    assert response.status_code == 404
    assert victim.is_signed_in()
    assert session_count(app, grace) == 1


@pytest.mark.parametrize("session_id", ["no-such-session", "%00", "a%00b", "x" * 300])
def test_revoking_an_unknown_session_id_is_not_found(app, browser, ada_account, session_id):
    sign_in_with(browser, FIREFOX_WINDOWS)
    assert revoke(browser, session_id).status_code == 404
    assert browser.is_signed_in()
    assert session_count(app) == 1


def test_revoking_this_devices_own_session_signs_it_out(app, browser, ada_account):
    sign_in_with(browser, FIREFOX_WINDOWS)
    response = revoke(browser, row_id_of(app, browser))
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/logout"  # "You are signed out"
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'
    assert browser.session_cookie is None
    assert not browser.is_signed_in()
    assert session_count(app) == 0


def test_signing_out_everywhere_else_keeps_only_this_device(app, browser, new_browser, ada_account):
    phone = sign_in_with(new_browser(), SAFARI_IPHONE)
    laptop = sign_in_with(new_browser(), SAFARI_MAC)
    sign_in_with(browser, FIREFOX_WINDOWS)

    response = browser.submit("/profile/sessions", {}, action="/profile/sessions/revoke-others")
    assert response.status_code == 303
    assert "Signed out 2 other devices." in browser.get("/profile/sessions").get_data(as_text=True)
    assert browser.is_signed_in()
    assert not phone.is_signed_in() and not laptop.is_signed_in()
    with app.app_context():
        assert [row.id for row in Session.select()] == [row_id_of(app, browser)]


def test_signing_out_everywhere_else_leaves_other_accounts_alone(
    app, browser, new_browser, ada_account, make_user
):
    make_user("grace@example.com", name="Grace Hopper")
    grace = sign_in_with(new_browser(), SAFARI_MAC, email="grace@example.com")
    sign_in_with(browser, FIREFOX_WINDOWS)
    browser.submit("/profile/sessions", {}, action="/profile/sessions/revoke-others")
    assert grace.is_signed_in()


def test_a_revoke_without_the_forms_csrf_token_is_refused(app, browser, new_browser, ada_account):
    phone = sign_in_with(new_browser(), SAFARI_IPHONE)
    sign_in_with(browser, FIREFOX_WINDOWS)
    response = browser.client.post(f"/profile/sessions/{row_id_of(app, phone)}/revoke")
    assert response.status_code == 400
    assert phone.is_signed_in()
