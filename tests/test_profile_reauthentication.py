"""Re-authentication on the email, password and delete pages: one shared guess budget."""

import pytest

from flowpulse.web.ratelimit import LOGIN_PER_EMAIL
from tests.browser import STRONG_PASSWORD

#: How many wrong passwords an address may see before 429 ("5 per 5 minutes").
ALLOWED_FAILURES = int(LOGIN_PER_EMAIL.split()[0])

WRONG = "not my password at all"

REAUTH_FORMS = {
    "/profile/email": {"new_email": "ada.king@example.org"},
    "/profile/password": {"new_password": "purple elephants juggle quietly 7"},
    "/profile/delete": {},
}


def submit_with_password(browser, path, password):
    return browser.submit(path, {**REAUTH_FORMS[path], "current_password": password})


@pytest.mark.parametrize("path", list(REAUTH_FORMS))
def test_a_wrong_current_password_is_told_next_to_the_field(browser, ada, user_row, path):
    response = submit_with_password(browser, path, WRONG)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="current_password-error"' in page
    assert "That password is not right." in page
    assert user_row("ada@example.com") is not None


@pytest.mark.parametrize("path", list(REAUTH_FORMS))
def test_wrong_passwords_use_up_the_sign_in_attempts_of_the_address(
    browser, new_browser, ada, path
):
    for _ in range(ALLOWED_FAILURES):
        assert submit_with_password(browser, path, WRONG).status_code == 422
    # Out of attempts: even the right password is not checked any more...
    refused = submit_with_password(browser, path, STRONG_PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    # ...and the sign-in form, from any browser, is out of attempts too.
    assert new_browser().sign_in("ada@example.com").status_code == 429


def test_failed_sign_ins_use_up_the_attempts_of_a_signed_in_session(browser, new_browser, ada):
    attacker = new_browser()
    for _ in range(ALLOWED_FAILURES):
        assert attacker.sign_in("ada@example.com", WRONG).status_code == 422
    response = submit_with_password(browser, "/profile/password", STRONG_PASSWORD)
    assert response.status_code == 429


def test_other_addresses_keep_their_attempts(browser, new_browser, ada, make_user):
    make_user("grace@example.com", name="Grace Hopper")
    for _ in range(ALLOWED_FAILURES):
        submit_with_password(browser, "/profile/delete", WRONG)
    assert new_browser().sign_in("grace@example.com").status_code == 303


class TestWithRateLimitsOff:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": False}

    def test_wrong_passwords_are_still_refused_but_never_locked_out(self, browser, ada):
        for _ in range(ALLOWED_FAILURES + 1):
            assert submit_with_password(browser, "/profile/delete", WRONG).status_code == 422
        response = submit_with_password(browser, "/profile/email", STRONG_PASSWORD)
        assert response.status_code == 303


@pytest.mark.parametrize("path", list(REAUTH_FORMS))
@pytest.mark.parametrize("password", ["correct horse\x00battery", "x" * 5000])
def test_a_nul_byte_or_an_oversized_password_is_refused_never_a_crash(
    browser, ada, user_row, path, password
):
    response = submit_with_password(browser, path, password)
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.get_data(as_text=True)
    assert user_row("ada@example.com") is not None
