"""/auth/two-factor: the second step after a right password, and trusted devices."""

from datetime import timedelta

import pytest

from flowpulse.core import totp
from flowpulse.core.clock import utcnow
from flowpulse.core.models import Session, TwoFactor
from flowpulse.services import pending_sign_ins
from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME
from tests.browser import OTHER_STRONG_PASSWORD
from tests.helpers import count_queries, flashed_messages
from tests.two_factor_helpers import TotpClock, app_code, turn_on
from tests.two_factor_helpers import second_step as post_code
from tests.two_factor_helpers import second_step_blind as post_code_blind

EMAIL = "ada@example.com"


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch) -> TotpClock:
    clock = TotpClock()
    monkeypatch.setattr(totp, "now", clock)
    return clock


@pytest.fixture
def protected(browser, ada, totp_clock):
    """Ada with an authenticator app on; signed out again. Returns (secret, recovery codes)."""
    secret, codes = turn_on(browser)
    browser.sign_out()
    # Two steps on: the code that turned the app on is in the past, even one step back.
    totp_clock.next_step()
    totp_clock.next_step()
    return secret, codes


def sessions_of(app, user) -> int:
    with app.app_context():
        return Session.select().where(Session.user == user.id).count()


def test_a_right_password_leads_to_the_second_step_and_no_session_yet(app, browser, ada, protected):
    response = browser.sign_in(EMAIL)
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/two-factor"
    assert browser.session_cookie is None
    assert sessions_of(app, ada) == 0
    assert browser.get("/profile").headers["Location"].startswith("/auth/login")


def test_a_right_code_finishes_the_sign_in(app, browser, ada, protected):
    secret, _ = protected
    browser.sign_in(EMAIL, next="/profile/sessions")
    response = post_code(browser, app_code(secret))
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile/sessions"
    assert browser.is_signed_in()
    assert sessions_of(app, ada) == 1


@pytest.mark.parametrize("steps", [-1, 1])
def test_a_code_one_step_off_is_accepted_for_clock_drift(browser, ada, protected, steps):
    secret, _ = protected
    browser.sign_in(EMAIL)
    assert post_code(browser, app_code(secret, steps=steps)).status_code == 303


@pytest.mark.parametrize("steps", [-2, 2])
def test_a_code_two_steps_off_is_refused(browser, ada, protected, steps):
    secret, _ = protected
    browser.sign_in(EMAIL)
    response = post_code(browser, app_code(secret, steps=steps))
    assert response.status_code == 422
    assert not browser.is_signed_in()


def test_a_code_works_once(browser, new_browser, ada, protected):
    secret, _ = protected
    code = app_code(secret)
    browser.sign_in(EMAIL)
    assert post_code(browser, code).status_code == 303
    other = new_browser()
    other.sign_in(EMAIL)
    assert post_code(other, code).status_code == 422
    assert not other.is_signed_in()


def test_a_recovery_code_works_once_and_tells_the_owner(
    app, browser, new_browser, ada, protected, mailbox
):
    _, codes = protected
    browser.sign_in(EMAIL)
    assert post_code(browser, codes[0].upper().replace("-", " ")).status_code == 303
    assert browser.is_signed_in()
    notice = mailbox.last_to(EMAIL)
    assert notice["Subject"] == "A recovery code was used to sign in"
    assert "9 codes left" in mailbox.text(notice)
    other = new_browser()
    other.sign_in(EMAIL)
    assert post_code(other, codes[0]).status_code == 422
    with app.app_context():
        assert len(TwoFactor.of(ada.id).code_digests) == 9


def test_five_wrong_codes_and_the_person_starts_over(browser, ada, protected):
    secret, _ = protected
    browser.sign_in(EMAIL)
    answers = [post_code(browser, "000000").status_code for _ in range(4)]
    assert answers == [422] * 4
    fifth = post_code(browser, "000000")
    assert fifth.status_code == 303 and fifth.headers["Location"] == "/auth/login"
    # Even the right code does nothing now: there is no sign-in waiting.
    assert post_code_blind(browser, app_code(secret)).headers["Location"] == "/auth/login"
    assert not browser.is_signed_in()


def test_a_pending_sign_in_lives_five_minutes(browser, ada, protected, monkeypatch):
    secret, _ = protected
    browser.sign_in(EMAIL)
    later = utcnow() + timedelta(seconds=pending_sign_ins.PENDING_SECONDS + 1)
    monkeypatch.setattr(pending_sign_ins, "utcnow", lambda: later)
    response = post_code_blind(browser, app_code(secret))
    assert response.headers["Location"] == "/auth/login"
    assert "sign in again" in " ".join(flashed_messages(browser.get("/auth/login"))).lower()


def test_remember_me_carries_through_the_second_step(browser, ada, protected):
    secret, _ = protected
    browser.sign_in(EMAIL, remember=True)
    post_code(browser, app_code(secret))
    assert browser.session_cookie.expires is not None  # a persistent cookie


def test_a_trusted_browser_skips_the_step_and_other_browsers_do_not(
    browser, new_browser, ada, protected
):
    secret, _ = protected
    browser.sign_in(EMAIL)
    post_code(browser, app_code(secret), trust=True)
    browser.drop_session_cookie()  # the browser closed: a sign-out would end the trust
    assert browser.sign_in(EMAIL).headers["Location"] == "/profile"  # no second step
    other = new_browser()
    assert other.sign_in(EMAIL).headers["Location"] == "/auth/two-factor"


def test_a_password_reset_keeps_the_factor_and_signs_nobody_in(browser, ada, protected, mailbox):
    browser.submit("/auth/forgot-password", {"email": EMAIL})
    link = next(u for u in mailbox.links(mailbox.last_to(EMAIL)) if "/reset-password/" in u)
    assert (
        browser.submit(
            link.removeprefix("http://localhost"), {"password": OTHER_STRONG_PASSWORD}
        ).status_code
        == 303
    )
    assert not browser.is_signed_in()
    response = browser.sign_in(EMAIL, OTHER_STRONG_PASSWORD)
    assert response.headers["Location"] == "/auth/two-factor"


def test_wrong_codes_spend_the_accounts_sign_in_attempts(browser, new_browser, ada, protected):
    # Five attempts per address however many fresh sign-ins they come from.
    answers = []
    for _ in range(3):
        person = new_browser()
        person.sign_in(EMAIL)
        answers += [post_code(person, "000000").status_code for _ in range(2)]
    assert answers[:5] == [422] * 5
    assert answers[5] == 429


def test_the_signed_in_page_still_costs_one_query_with_a_second_factor(browser, ada, protected):
    secret, _ = protected
    browser.sign_in(EMAIL)
    post_code(browser, app_code(secret))
    browser.get("/profile")
    with count_queries() as statements:
        assert browser.get("/profile").status_code == 200
    assert len(statements) == 1, statements


def test_the_auth_cookie_is_only_set_once_the_step_passes(browser, ada, protected):
    secret, _ = protected
    browser.sign_in(EMAIL)
    assert browser.client.get_cookie(PLAIN_COOKIE_NAME) is None
    post_code(browser, app_code(secret))
    assert browser.client.get_cookie(PLAIN_COOKIE_NAME) is not None
