"""Over a rate limit, the form comes back: what was typed, when to try again, status 429."""

import math
import re

import pytest

from flowpulse.web.form_pages import minutes_in, seconds_until, too_many_attempts
from tests.browser import STRONG_PASSWORD, Browser

EMAIL = "ada@example.com"
WRONG = "not the right password at all"


@pytest.fixture
def app_config():
    """One trusted proxy hop: each X-Forwarded-For is another client."""
    return {"PROXY_FIX_X_FOR": 1}


def from_ip(number: int) -> dict:
    return {"headers": {"X-Forwarded-For": f"198.51.100.{number}"}}


def minutes_said(html: str) -> int:
    match = re.search(r"Too many attempts \u2014 try again in (\d+) minutes?\.", html)
    assert match, "no 'Too many attempts — try again in N minutes' on the page"
    return int(match.group(1))


def assert_form_again(response, *, typed: str | None = None) -> str:
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert minutes_said(html) == math.ceil(int(response.headers["Retry-After"]) / 60)
    assert "<title>Error: " in html
    assert 'id="error-summary"' in html and 'role="alert"' in html
    assert 'name="csrf_token"' in html  # a form, ready to be sent again later
    if typed is not None:
        assert f'value="{typed}"' in html
    return html


def test_a_locked_sign_in_shows_the_form_with_the_wait_and_a_reset_link(browser, ada_account):
    for _ in range(5):
        assert browser.sign_in(EMAIL, WRONG).status_code == 422
    response = browser.submit("/auth/login", {"email": EMAIL, "password": WRONG}, **from_ip(9))
    html = assert_form_again(response, typed=EMAIL)
    assert '<form method="post" novalidate data-autofocus>' in html
    assert 'href="/auth/forgot-password"' in html.split('id="error-summary"')[1].split("</div>")[0]
    assert WRONG not in html  # a password is never written back


def test_too_many_sign_ups_from_one_ip_show_the_sign_up_form_with_the_name_kept(
    browser, new_browser
):
    for number in range(20):
        assert new_browser().sign_up(f"person{number}@example.com").status_code == 303
    response = browser.sign_up("grace@example.com", name="Grace Hopper")
    html = assert_form_again(response, typed="Grace Hopper")
    assert 'value="grace@example.com"' in html
    assert STRONG_PASSWORD not in html


def test_too_many_reset_requests_show_the_forgot_password_form(browser):
    for _ in range(5):
        assert browser.submit("/auth/forgot-password", {"email": EMAIL}).status_code == 303
    response = browser.submit("/auth/forgot-password", {"email": EMAIL})
    assert_form_again(response, typed=EMAIL)


def test_a_spent_re_authentication_shows_the_email_change_form_with_the_new_address(browser, ada):
    data = {"new_email": "ada.new@example.com", "current_password": WRONG}
    for _ in range(5):
        assert browser.submit("/profile/email", data).status_code == 422
    response = browser.submit("/profile/email", data)
    html = assert_form_again(response, typed="ada.new@example.com")
    assert "<h1>Change your email address</h1>" in html
    assert WRONG not in html


def test_a_page_without_a_form_of_its_own_keeps_the_plain_429_page(app):
    from flowpulse.web.ratelimit import limiter

    @app.get("/limited-test-page")
    @limiter.limit("1 per hour")
    def limited():
        return "ok"

    client = Browser(app.test_client())
    assert client.get("/limited-test-page").status_code == 200
    response = client.get("/limited-test-page")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(1, 1), (59, 1), (60, 1), (61, 2), (299, 5), (300, 5), (3600, 60)]
)
def test_the_wait_is_rounded_up_to_whole_minutes(seconds, minutes):
    assert minutes_in(seconds_until(1000 + seconds + 0.5, now=1000)) == minutes


def test_one_minute_is_singular():
    assert too_many_attempts(1) == "Too many attempts \u2014 try again in 1 minute."
    assert too_many_attempts(5) == "Too many attempts \u2014 try again in 5 minutes."
