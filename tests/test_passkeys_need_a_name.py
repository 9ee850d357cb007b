"""Where BASE_URL names an IP address (the development default), passkeys cannot work:
WebAuthn refuses an IP as the RP ID. No page offers them and every ceremony says why."""

import pytest

from tests.browser import csrf_token_in
from tests.helpers import main_text

IP_BASE_URL = "http://127.0.0.1:5000"


@pytest.fixture
def app_config():
    return {"BASE_URL": IP_BASE_URL}


def test_no_page_offers_a_passkey_and_the_profile_says_why(app, browser, ada):
    passkeys = browser.get("/profile/passkeys")
    assert "served under a name, not an IP address" in main_text(passkeys)
    assert 'data-passkey="register"' not in passkeys.get_data(as_text=True)
    browser.sign_out()
    login = browser.get("/auth/login").get_data(as_text=True)
    assert "Sign in with a passkey" not in login and "passkeys.js" not in login


@pytest.mark.parametrize("path", ["/auth/passkey/options", "/profile/passkeys/options"])
def test_every_ceremony_is_refused_with_the_reason(app, browser, ada, path):
    token = csrf_token_in(browser.get("/profile").get_data(as_text=True))
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    answer = browser.client.post(
        path, json={"current_password": "correct horse battery staple 42"}, headers=headers
    )
    assert answer.status_code == 400
    assert "not an IP address" in answer.get_json()["error"]
