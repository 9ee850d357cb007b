"""Rate limits on sign-in, forgot-password and resend (Flask-Limiter, memory storage per app)."""

import pytest
from limits import parse

from flowpulse.core.models import Session
from flowpulse.web.ratelimit import NOTICE_ACTIONS_PER_ACCOUNT
from tests.browser import STRONG_PASSWORD, Browser
from tests.passkey_helpers import page_csrf, post_json

EMAIL = "ada@example.com"
WRONG_PASSWORD = "not the right password at all"


@pytest.fixture
def app_config():
    """One trusted proxy hop, so each X-Forwarded-For really is another client IP."""
    return {"PROXY_FIX_X_FOR": 1}


def from_ip(number: int) -> dict:
    return {"headers": {"X-Forwarded-For": f"203.0.113.{number}"}}


def log_in_from(browser: Browser, email: str, password: str, ip: int):
    return browser.submit("/auth/login", {"email": email, "password": password}, **from_ip(ip))


def ask_for_a_reset_from(browser: Browser, email: str, ip: int):
    return browser.submit("/auth/forgot-password", {"email": email}, **from_ip(ip))


def ask_for_a_new_link_from(browser: Browser, email: str, ip: int):
    data = {"email": email}
    return browser.submit("/auth/login", data, action="/verify/resend", **from_ip(ip))


def lock_the_address(browser: Browser, email: str = EMAIL) -> None:
    """Fail five sign-ins for ``email``, each from another IP."""
    for ip in range(1, 6):
        assert log_in_from(browser, email, WRONG_PASSWORD, ip).status_code == 422


def assert_too_many_attempts(response) -> None:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "Traceback" not in page


def test_the_client_ip_is_read_across_one_trusted_proxy_hop(app, browser, make_user):
    make_user(EMAIL)
    log_in_from(browser, EMAIL, STRONG_PASSWORD, 7)
    with app.app_context():
        assert Session.get().ip_address == "203.0.113.7"


def test_five_failed_sign_ins_for_one_address_lock_it_whatever_the_ip(browser, make_user):
    make_user(EMAIL)
    lock_the_address(browser)
    assert_too_many_attempts(log_in_from(browser, EMAIL, WRONG_PASSWORD, 6))


def test_a_locked_address_refuses_even_the_right_password(browser, make_user):
    make_user(EMAIL)
    lock_the_address(browser)
    assert log_in_from(browser, EMAIL, STRONG_PASSWORD, 6).status_code == 429


def test_a_locked_address_leaves_other_addresses_alone(browser, make_user):
    make_user(EMAIL)
    make_user("grace@example.com", name="Grace Hopper")
    lock_the_address(browser)
    assert log_in_from(browser, "grace@example.com", STRONG_PASSWORD, 6).status_code == 303


def test_ten_failed_sign_ins_from_one_ip_lock_that_ip_for_any_address(browser):
    for number in range(10):
        response = log_in_from(browser, f"user{number}@example.com", WRONG_PASSWORD, 9)
        assert response.status_code == 422
    assert_too_many_attempts(log_in_from(browser, "someone@example.com", WRONG_PASSWORD, 9))


def test_successful_sign_ins_do_not_count_as_failures(app, make_user, new_browser):
    make_user(EMAIL)
    for _ in range(11):
        assert log_in_from(new_browser(), EMAIL, STRONG_PASSWORD, 9).status_code == 303
    with app.app_context():
        assert Session.select().count() == 11


def test_forgot_password_is_limited_per_address(browser, make_user):
    make_user(EMAIL)
    for ip in range(1, 6):
        assert ask_for_a_reset_from(browser, EMAIL, ip).status_code == 303
    assert_too_many_attempts(ask_for_a_reset_from(browser, EMAIL, 6))


def test_forgot_password_is_limited_per_ip(browser):
    for number in range(20):
        assert ask_for_a_reset_from(browser, f"user{number}@example.com", 9).status_code == 303
    assert_too_many_attempts(ask_for_a_reset_from(browser, "someone@example.com", 9))


def test_resend_is_limited_per_address(browser, make_user):
    make_user(EMAIL, verified=False)
    for ip in range(1, 6):
        assert ask_for_a_new_link_from(browser, EMAIL, ip).status_code == 303
    assert_too_many_attempts(ask_for_a_new_link_from(browser, EMAIL, 6))


def test_a_sign_in_post_without_a_csrf_token_still_gets_429_once_the_limit_is_spent(
    browser, make_user
):
    make_user(EMAIL)
    lock_the_address(browser)
    data = {"email": EMAIL, "password": WRONG_PASSWORD}
    response = browser.client.post("/auth/login", data=data, **from_ip(6))
    assert_too_many_attempts(response)


def test_a_forgot_password_post_without_a_csrf_token_still_gets_429_once_the_limit_is_spent(
    browser, make_user
):
    make_user(EMAIL)
    for ip in range(1, 6):
        ask_for_a_reset_from(browser, EMAIL, ip)
    response = browser.client.post("/auth/forgot-password", data={"email": EMAIL}, **from_ip(6))
    assert_too_many_attempts(response)


#: Every form whose change mails the account's owner a notice.
NOTICE_ACTIONS = [
    "/profile/email",
    "/profile/password",
    "/profile/two-factor/totp",
    "/profile/two-factor/disable",
    "/profile/two-factor/recovery-codes",
    "/profile/passkeys/options",
    "/profile/passkeys/some-passkey/delete",
    "/profile/accounts/github/connect",
    "/profile/accounts/some-account/disconnect",
]


def test_every_change_that_mails_a_notice_spends_from_one_limit_per_account(browser, ada):
    csrf = page_csrf(browser, "/profile/passkeys")
    for _ in range(parse(NOTICE_ACTIONS_PER_ACCOUNT).amount):
        # Just signed in, a new passkey's options need no password: the cheapest such change.
        assert post_json(browser, "/profile/passkeys/options", {}, csrf=csrf).status_code == 200
    for path in NOTICE_ACTIONS:
        response = browser.client.post(path, data={"csrf_token": csrf})
        assert response.status_code == 429, path
