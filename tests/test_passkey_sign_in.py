"""Signing in with a passkey: no email typed; with user verification it is both factors."""

from flowpulse.core.models import Passkey, Session, User
from tests.helpers import flashed_messages, main_text
from tests.passkey_helpers import (
    add_passkey,
    expire_recent_sign_in,
    page_csrf,
    post_json,
    second_step_with_passkey,
    sign_in_with_passkey,
)
from tests.soft_authenticator import SoftAuthenticator
from tests.two_factor_helpers import turn_on


def ada_with_passkey(browser, **kind) -> SoftAuthenticator:
    """Give the signed-in Ada a passkey on a new authenticator, then sign her out."""
    device = SoftAuthenticator(**kind)
    assert add_passkey(browser, device).status_code == 200
    browser.sign_out()
    return device


def sessions(app) -> int:
    with app.app_context():
        return Session.select().count()


def test_a_passkey_signs_in_without_an_email_and_lands_on_the_profile(app, browser, ada):
    device = ada_with_passkey(browser)
    answer = sign_in_with_passkey(browser, device)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {"redirect": "/profile"}
    profile = browser.get("/profile")
    assert profile.status_code == 200
    assert "Signed in as ada@example.com." in flashed_messages(profile)


def test_each_sign_in_moves_the_count_and_the_last_use(app, browser, ada):
    device = ada_with_passkey(browser)
    for expected in (1, 2):
        assert sign_in_with_passkey(browser, device).status_code == 200
        with app.app_context():
            (row,) = Passkey.select()
        assert row.counter == expected and row.last_used_at is not None
        browser.sign_out()
    assert "last used" in main_text(_signed_in_list(browser, device))


def _signed_in_list(browser, device):
    sign_in_with_passkey(browser, device)
    return browser.get("/profile/passkeys")


def test_an_authenticator_that_never_counts_keeps_working(app, browser, ada):
    device = ada_with_passkey(browser, counter_step=0)
    for _ in range(3):
        assert sign_in_with_passkey(browser, device).status_code == 200
        browser.sign_out()


def test_a_verified_passkey_is_both_factors_even_with_an_app_on(app, browser, ada):
    turn_on(browser)
    device = ada_with_passkey(browser)
    answer = sign_in_with_passkey(browser, device)
    assert answer.get_json() == {"redirect": "/profile"}
    assert browser.is_signed_in()


def test_a_passkey_without_user_verification_still_gets_the_second_step(app, browser, ada):
    turn_on(browser)
    device = ada_with_passkey(browser, user_verified=False)
    before = sessions(app)
    answer = sign_in_with_passkey(browser, device)
    assert answer.get_json() == {"redirect": "/auth/two-factor"}
    assert sessions(app) == before and not browser.is_signed_in()
    # Its own passkey cannot be its second step too: the page offers only a code.
    assert "Use a passkey instead" not in browser.get("/auth/two-factor").get_data(as_text=True)
    csrf = page_csrf(browser, "/auth/two-factor")
    refused = post_json(browser, "/auth/two-factor/passkey/options", {}, csrf=csrf)
    assert refused.status_code == 400


def test_without_an_app_a_passkey_without_verification_is_enough(app, browser, ada):
    device = ada_with_passkey(browser, user_verified=False)
    assert sign_in_with_passkey(browser, device).get_json() == {"redirect": "/profile"}


def test_after_a_password_the_second_step_takes_a_passkey(app, browser, ada):
    device = SoftAuthenticator()
    assert add_passkey(browser, device).status_code == 200
    turn_on(browser)
    browser.sign_out()
    assert browser.sign_in("ada@example.com").headers["Location"] == "/auth/two-factor"
    assert "Use a passkey instead" in browser.get("/auth/two-factor").get_data(as_text=True)
    answer = second_step_with_passkey(browser, device)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {"redirect": "/profile"}
    assert browser.is_signed_in()


def test_remember_me_keeps_the_session_for_thirty_days(app, browser, ada):
    device = ada_with_passkey(browser)
    sign_in_with_passkey(browser, device, body={"remember": True})
    cookie = browser.session_cookie
    assert cookie is not None and cookie.expires is not None


def test_an_unverified_address_must_be_verified_first_and_gets_the_link_it_is_promised(
    app, browser, ada, user_row, mailbox
):
    device = ada_with_passkey(browser)
    with app.app_context():
        User.update(email_verified=False).where(User.email == "ada@example.com").execute()
    mailbox.clear()
    refused = sign_in_with_passkey(browser, device)
    assert refused.status_code == 403
    assert "we sent you a new link" in refused.get_json()["error"]
    assert not browser.is_signed_in()
    # The link went out, bound to this browser, as after a password sign-in.
    [message] = mailbox.to("ada@example.com")
    assert message["Subject"] == "Verify your email address"
    assert browser.confirm_link(mailbox.links(message)[0]).status_code == 303
    assert browser.is_signed_in()


def test_a_signed_in_person_confirms_it_is_them_with_a_passkey(app, browser, ada):
    device = SoftAuthenticator()
    assert add_passkey(browser, device).status_code == 200
    expire_recent_sign_in(browser)
    answer = sign_in_with_passkey(
        browser, device, body={"next": "/profile/email"}, page="/profile/passkeys"
    )
    assert answer.get_json() == {"redirect": "/profile/email"}
    # Now a sign-in "just now": the passkey pages ask for no password.
    assert "Current password" not in main_text(browser.get("/profile/passkeys"))


def test_the_sign_in_page_offers_the_passkey_button_and_autofill_hidden_until_js(app, client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'autocomplete="username webauthn"' in page
    assert "Sign in with a passkey" in page
    assert '<div class="passkey-choice" hidden data-passkey-shown>' in page
    assert "/static/passkeys.js" in page
