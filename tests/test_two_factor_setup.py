"""/profile/two-factor: turning an authenticator app on and off, and recovery codes."""

import json

import pytest
from limits import parse

from flowpulse.core import crypto, totp
from flowpulse.core.models import TwoFactor
from flowpulse.core.recovery_codes import digest
from flowpulse.web.ratelimit import NOTICE_ACTIONS_PER_ACCOUNT
from tests.browser import STRONG_PASSWORD
from tests.helpers import field_error, flashed_messages
from tests.qr import decode
from tests.two_factor_helpers import (
    TotpClock,
    app_code,
    otpauth_uri,
    secret_of,
    turn_on,
)


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch) -> TotpClock:
    clock = TotpClock()
    monkeypatch.setattr(totp, "now", clock)
    return clock


def row_of(app, user) -> TwoFactor | None:
    with app.app_context():
        return TwoFactor.of(user.id)


def test_the_setup_page_draws_a_qr_code_of_the_otpauth_uri_and_spells_the_key(browser, ada):
    page = browser.get("/profile/two-factor/totp").get_data(as_text=True)
    uri = otpauth_uri(page)
    assert uri.startswith("otpauth://totp/FlowPulse:ada%40example.com?")
    assert "issuer=FlowPulse" in uri
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    assert decode(svg) == uri  # the QR code a phone scans is that very URI
    secret = secret_of(uri)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert f'<code class="key">{grouped}</code>' in page


def test_the_setup_page_keeps_its_secret_until_the_app_is_on(browser, ada):
    first = otpauth_uri(browser.get("/profile/two-factor/totp").get_data(as_text=True))
    again = otpauth_uri(browser.get("/profile/two-factor/totp").get_data(as_text=True))
    assert first == again  # a reload does not invalidate what the phone scanned


@pytest.mark.parametrize("app_config", [{"AUTH_TOTP_ISSUER": "Acme Accounts"}])
def test_the_issuer_apps_show_can_be_configured(browser, ada):
    uri = otpauth_uri(browser.get("/profile/two-factor/totp").get_data(as_text=True))
    assert uri.startswith("otpauth://totp/Acme%20Accounts:ada%40example.com?")


def test_turning_it_on_needs_a_right_code(app, browser, ada):
    response = browser.submit(
        "/profile/two-factor/totp", {"code": "123456", "current_password": STRONG_PASSWORD}
    )
    assert response.status_code == 422
    assert "not right" in field_error(response, "code")
    assert row_of(app, ada) is None


def test_turning_it_on_needs_the_current_password(app, browser, ada):
    page = browser.get("/profile/two-factor/totp").get_data(as_text=True)
    code = app_code(secret_of(otpauth_uri(page)))
    response = browser.submit(
        "/profile/two-factor/totp", {"code": code, "current_password": "not my password"}
    )
    assert response.status_code == 422
    assert field_error(response, "current_password") == "That password is not right."
    assert row_of(app, ada) is None


def test_turning_it_on_shows_ten_recovery_codes_once_and_keeps_only_digests(app, browser, ada):
    _, codes = turn_on(browser)
    assert len(set(codes)) == 10
    again = browser.get("/profile/two-factor/recovery-codes")
    assert again.status_code == 303  # shown once: gone from the session
    row = row_of(app, ada)
    assert json.loads(row.backup_codes) == [digest(code) for code in codes]
    stored = row.backup_codes + row.secret
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)


def test_the_secret_is_encrypted_at_rest(app, browser, ada):
    secret, _ = turn_on(browser)
    row = row_of(app, ada)
    assert secret not in row.secret
    with app.app_context():
        assert crypto.decrypt(row.secret) == secret


def test_turning_it_on_emails_the_owner_and_signs_out_the_other_devices(
    browser, new_browser, ada, mailbox
):
    phone = new_browser()
    phone.sign_in("ada@example.com")
    turn_on(browser, revoke_other_sessions="y")
    assert mailbox.last_to("ada@example.com")["Subject"] == "Two-factor sign-in is on"
    assert browser.is_signed_in()
    assert not phone.is_signed_in()  # it had signed in with one factor


def test_other_devices_can_be_kept_signed_in(browser, new_browser, ada):
    phone = new_browser()
    phone.sign_in("ada@example.com")
    turn_on(browser, revoke_other_sessions="")
    assert phone.is_signed_in()


def test_the_overview_says_it_is_on_and_counts_the_codes_left(browser, ada):
    assert "Turn on two-factor sign-in" in browser.get("/profile/two-factor").get_data(as_text=True)
    turn_on(browser)
    page = browser.get("/profile/two-factor").get_data(as_text=True)
    assert "10 recovery codes left." in page
    assert "Make new ones soon" not in page


def test_with_three_codes_left_the_overview_says_to_make_new_ones(app, browser, ada):
    _, codes = turn_on(browser)
    with app.app_context():
        TwoFactor.update(backup_codes=json.dumps([digest(c) for c in codes[:3]])).execute()
    page = browser.get("/profile/two-factor").get_data(as_text=True)
    assert "3 recovery codes left." in page and "Make new ones soon" in page


def test_new_recovery_codes_replace_the_old_ones_and_email_the_owner(app, browser, ada, mailbox):
    _, old = turn_on(browser)
    response = browser.submit(
        "/profile/two-factor",
        {"current_password": STRONG_PASSWORD},
        action="/profile/two-factor/recovery-codes",
    )
    assert response.status_code == 303
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert not [code for code in old if code in page]  # the page shows new ones
    stored = json.loads(row_of(app, ada).backup_codes)
    assert digest(old[0]) not in stored and len(stored) == 10
    assert mailbox.last_to("ada@example.com")["Subject"] == "You have new recovery codes"


def test_turning_it_off_needs_the_password_and_emails_the_owner(app, browser, ada, mailbox):
    turn_on(browser)
    wrong = browser.submit(
        "/profile/two-factor",
        {"current_password": "not my password"},
        action="/profile/two-factor/disable",
    )
    assert wrong.status_code == 422
    assert row_of(app, ada) is not None
    right = browser.submit(
        "/profile/two-factor",
        {"current_password": STRONG_PASSWORD},
        action="/profile/two-factor/disable",
    )
    assert right.status_code == 303
    assert row_of(app, ada) is None
    assert mailbox.last_to("ada@example.com")["Subject"] == "Two-factor sign-in is off"
    assert "is off" in " ".join(flashed_messages(browser.get("/profile/two-factor")))


def test_a_wrong_password_on_these_pages_spends_the_sign_in_attempts(browser, ada):
    statuses = [
        browser.submit(
            "/profile/two-factor",
            {"current_password": "not my password"},
            action="/profile/two-factor/disable",
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [422] * 5 + [429]


def renew_codes(browser):
    return browser.submit(
        "/profile/two-factor",
        {"current_password": STRONG_PASSWORD},
        action="/profile/two-factor/recovery-codes",
    )


def test_renewing_recovery_codes_again_and_again_is_refused_past_the_accounts_limit(
    browser, ada, make_user, new_browser
):
    turn_on(browser)  # turning it on mailed a notice too
    allowed = parse(NOTICE_ACTIONS_PER_ACCOUNT).amount
    statuses = [renew_codes(browser).status_code for _ in range(allowed)]
    assert statuses == [303] * (allowed - 1) + [429]
    refused = renew_codes(browser)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.get_data(as_text=True)
    # The account's limit, not the client's: another account here is not held back.
    make_user("grace@example.com", name="Grace Hopper")
    grace = new_browser()
    grace.sign_in("grace@example.com")
    turn_on(grace)
    assert renew_codes(grace).status_code == 303
