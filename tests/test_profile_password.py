"""/profile/password: a new password keeps this device in, with a fresh token."""

import re

import pytest

from flowpulse.core.models import Session
from flowpulse.core.tokens import digest
from flowpulse.services.sessions import BROWSER_PREFIX, PERSISTENT_PREFIX
from tests.browser import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, Browser


def change_password(browser, *, current=STRONG_PASSWORD, new=OTHER_STRONG_PASSWORD, revoke=True):
    data = {"current_password": current, "new_password": new}
    if revoke:
        data["revoke_other_sessions"] = "y"
    return browser.submit("/profile/password", data)


def session_ids(app, user):
    with app.app_context():
        return {row.id for row in Session.select().where(Session.user == user.id)}


def test_the_form_offers_to_sign_out_other_devices_checked_by_default(browser, ada_account):
    browser.sign_in("ada@example.com")
    page = browser.get("/profile/password").get_data(as_text=True)
    (checkbox,) = re.findall(r'<input[^>]*name="revoke_other_sessions"[^>]*>', page)
    assert 'type="checkbox"' in checkbox and "checked" in checkbox


def test_a_new_password_keeps_this_device_with_a_new_token_and_ends_the_others(
    app, browser, new_browser, ada_account, mailbox
):
    browser.sign_in("ada@example.com")
    phone = new_browser()
    phone.sign_in("ada@example.com")
    old_token = browser.session_cookie.value
    (old_row,) = session_ids(app, ada_account) - {_row_id_of(app, phone)}

    response = change_password(browser)
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"

    new_token = browser.session_cookie.value
    assert new_token != old_token
    assert browser.is_signed_in()
    assert not phone.is_signed_in()
    (kept,) = session_ids(app, ada_account)
    assert kept != old_row
    assert kept == _row_id_of(app, browser)
    # A copy of the old cookie is worth nothing now.
    thief = new_browser()
    thief.client.set_cookie("flowpulse_session", old_token)
    assert not thief.is_signed_in()
    assert "Your password was changed" in str(mailbox.last_to("ada@example.com")["Subject"])


def test_the_new_password_signs_in_and_the_old_one_no_longer_does(
    browser, new_browser, ada_account
):
    browser.sign_in("ada@example.com")
    change_password(browser)
    assert new_browser().sign_in("ada@example.com", STRONG_PASSWORD).status_code == 422
    assert new_browser().sign_in("ada@example.com", OTHER_STRONG_PASSWORD).status_code == 303


def test_unticking_the_box_leaves_other_devices_signed_in(app, browser, new_browser, ada_account):
    browser.sign_in("ada@example.com")
    phone = new_browser()
    phone.sign_in("ada@example.com")
    old_token = browser.session_cookie.value

    assert change_password(browser, revoke=False).status_code == 303
    assert phone.is_signed_in()
    assert browser.is_signed_in()
    assert browser.session_cookie.value != old_token
    assert len(session_ids(app, ada_account)) == 2


@pytest.mark.parametrize(
    ("remember", "prefix"), [(True, PERSISTENT_PREFIX), (False, BROWSER_PREFIX)]
)
def test_the_renewed_session_keeps_its_remember_me_kind(browser, ada_account, remember, prefix):
    browser.sign_in("ada@example.com", remember=remember)
    change_password(browser)
    cookie = browser.session_cookie
    assert cookie.value.startswith(prefix)
    assert (cookie.expires is not None) == remember


def test_a_wrong_current_password_changes_nothing(app, browser, new_browser, ada_account, mailbox):
    browser.sign_in("ada@example.com")
    phone = new_browser()
    phone.sign_in("ada@example.com")
    sessions_before = session_ids(app, ada_account)
    token_before = browser.session_cookie.value

    # The message itself: tests/test_profile_reauthentication.py.
    assert change_password(browser, current="not my password at all").status_code == 422
    assert session_ids(app, ada_account) == sessions_before
    assert browser.session_cookie.value == token_before
    assert phone.is_signed_in()
    assert mailbox.to("ada@example.com") == []
    assert new_browser().sign_in("ada@example.com", STRONG_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    "new_password",
    ["short", "password password 123", "a" * 200],
)
def test_a_new_password_that_breaks_the_policy_is_refused_next_to_the_field(
    app, browser, new_browser, ada_account, new_password
):
    browser.sign_in("ada@example.com")
    sessions_before = session_ids(app, ada_account)
    response = change_password(browser, new=new_password)
    assert response.status_code == 422
    assert 'id="new_password-error"' in response.get_data(as_text=True)
    assert session_ids(app, ada_account) == sessions_before
    assert new_browser().sign_in("ada@example.com", STRONG_PASSWORD).status_code == 303


def test_the_page_never_shows_a_session_token(browser, ada_account):
    browser.sign_in("ada@example.com")
    token = browser.session_cookie.value
    page = browser.get("/profile/password").get_data(as_text=True)
    assert token not in page and digest(token) not in page


def _row_id_of(app, browser: Browser) -> str:
    """Return the id of the session row a browser's cookie points at."""
    with app.app_context():
        return Session.get(Session.token == digest(browser.session_cookie.value)).id


def test_an_oversized_new_password_is_refused_never_a_crash(browser, new_browser, ada_account):
    browser.sign_in("ada@example.com")
    response = change_password(browser, new="y" * 5000)
    assert response.status_code == 422
    assert 'id="new_password-error"' in response.get_data(as_text=True)
    assert new_browser().sign_in("ada@example.com", STRONG_PASSWORD).status_code == 303


def test_a_new_password_with_a_nul_byte_is_hashed_like_any_other(browser, new_browser, ada_account):
    # Only its hash reaches the database, so PostgreSQL never sees the NUL.
    with_nul = "correct horse\x00battery staple"
    browser.sign_in("ada@example.com")
    assert change_password(browser, new=with_nul).status_code == 303
    assert new_browser().sign_in("ada@example.com", with_nul).status_code == 303
