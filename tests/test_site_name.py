"""SITE_NAME: a product names its site once, and pages, emails and authenticators say it.

With the default every word stays "FlowPulse" (the other tests read them);
with a name set, nothing a person reads says "FlowPulse" any more.
"""

import pytest

from tests.helpers import flashed_messages
from tests.passkey_helpers import page_csrf, post_json
from tests.two_factor_helpers import otpauth_uri

SITE = "Acme Accounts"


@pytest.fixture
def app_config() -> dict:
    return {"SITE_NAME": SITE}


def test_the_sign_in_page_names_the_site_in_its_title_header_and_footer(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert f"<title>Sign in · {SITE}</title>" in page
    assert f"<span>{SITE}</span>" in page
    assert f"<p>{SITE} · your account, on your server</p>" in page
    assert "FlowPulse" not in page


def test_a_name_with_markup_is_shown_as_text(app, client):
    app.config["SITE_NAME"] = "Acme <Accounts>"
    page = client.get("/auth/login").get_data(as_text=True)
    assert "<span>Acme &lt;Accounts&gt;</span>" in page
    assert "<Accounts>" not in page


def test_the_verification_email_names_the_site_in_every_part(browser, mailbox):
    browser.sign_up("ada@example.com")
    message = mailbox.last_to("ada@example.com")
    text = mailbox.text(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert message["Subject"] == "Verify your email address"
    assert str(message["From"]) == f"{SITE} <no-reply@localhost>"
    assert text.splitlines()[:2] == [SITE, "=" * len(SITE)]
    assert f"If you did not sign up for {SITE}, ignore this message" in " ".join(text.split())
    assert f"{SITE} · http://localhost" in text
    assert f"If you did not sign up for {SITE}, ignore this message" in html
    assert f"</span>{SITE}" in html  # the layout's header
    assert f'{SITE} · <a href="http://localhost"' in html  # and its footer
    for part in (message["Subject"], message["From"], text, html):
        assert "FlowPulse" not in str(part)


@pytest.mark.parametrize(
    "app_config", [{"SITE_NAME": SITE, "AUTH_REQUIRE_EMAIL_VERIFICATION": False}]
)
def test_the_welcome_says_the_sites_name(browser):
    response = browser.sign_up("ada@example.com")
    assert flashed_messages(browser.get(response.headers["Location"])) == [f"Welcome to {SITE}!"]


def test_the_authenticator_app_shows_the_sites_name_as_issuer(browser, ada):
    uri = otpauth_uri(browser.get("/profile/two-factor/totp").get_data(as_text=True))
    assert uri.startswith("otpauth://totp/Acme%20Accounts:ada%40example.com?")
    assert "issuer=Acme%20Accounts" in uri
    assert "FlowPulse" not in uri


@pytest.mark.parametrize("app_config", [{"SITE_NAME": SITE, "AUTH_TOTP_ISSUER": "Acme 2FA"}])
def test_an_issuer_set_explicitly_wins_over_the_sites_name(browser, ada):
    uri = otpauth_uri(browser.get("/profile/two-factor/totp").get_data(as_text=True))
    assert uri.startswith("otpauth://totp/Acme%202FA:ada%40example.com?")


def test_the_passkey_prompt_names_the_site(browser, ada):
    csrf = page_csrf(browser, "/profile/passkeys")
    options = post_json(browser, "/profile/passkeys/options", {}, csrf=csrf).get_json()
    assert options["rp"] == {"id": "localhost", "name": SITE}


@pytest.mark.parametrize("app_config", [{}])
def test_by_default_the_site_is_flowpulse_everywhere(browser, ada):
    assert "<span>FlowPulse</span>" in browser.get("/profile").get_data(as_text=True)
    uri = otpauth_uri(browser.get("/profile/two-factor/totp").get_data(as_text=True))
    assert uri.startswith("otpauth://totp/FlowPulse:ada%40example.com?")
    csrf = page_csrf(browser, "/profile/passkeys")
    options = post_json(browser, "/profile/passkeys/options", {}, csrf=csrf).get_json()
    assert options["rp"]["name"] == "FlowPulse"
