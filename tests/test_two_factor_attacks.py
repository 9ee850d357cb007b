"""Attempts to get around the second step: each must find it closed.

Better Auth shipped a bypass through a session cookie made before the second
step (GHSA-xg6x-h9c9-2m83); pyotp leaves replay and throttling to the
application. Races run with real threads on both engines.
"""

import pytest

from flowpulse.auth.second_step import PLAIN_TRUST_COOKIE
from flowpulse.core import totp
from flowpulse.core.models import TwoFactor
from flowpulse.services.verification_tokens import TRUST_DEVICE as TRUST
from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME
from tests.attack_helpers import verification_rows_of
from tests.browser import STRONG_PASSWORD
from tests.helpers import run_at_once
from tests.two_factor_helpers import TotpClock, app_code, second_step, second_step_blind, turn_on

ADA, GRACE = "ada@example.com", "grace@example.com"
#: Codes sent at once: the account's sign-in attempts (5) bound how many are
#: even checked together.
CROWD = 5


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch) -> TotpClock:
    clock = TotpClock()
    monkeypatch.setattr(totp, "now", clock)
    return clock


def protect(browser, totp_clock):
    secret, codes = turn_on(browser)
    browser.sign_out()
    totp_clock.next_step()
    totp_clock.next_step()
    return secret, codes


@pytest.fixture
def ada_protected(browser, ada, totp_clock):
    return protect(browser, totp_clock)


def trust_rows(app, user_id: str) -> list:
    """The ``trust-device`` rows of one account."""
    return [row for row in verification_rows_of(app, user_id) if row.identifier.startswith(TRUST)]


def halfway(new_browser, email=ADA):
    """A browser past the password, at the second step."""
    person = new_browser()
    assert person.sign_in(email).headers["Location"] == "/auth/two-factor"
    return person


def test_no_signed_in_page_opens_between_the_two_steps(app, new_browser, ada_protected):
    person = halfway(new_browser)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("profile.") and "GET" in rule.methods and not rule.arguments:
            if rule.endpoint == "profile.deleted":
                continue
            answer = person.get(rule.rule)
            assert answer.status_code == 303, rule.endpoint
            assert answer.headers["Location"].startswith("/auth/login"), rule.endpoint


def test_a_pending_sign_in_copied_to_another_browser_still_needs_a_fresh_code(
    new_browser, ada_protected
):
    secret, _ = ada_protected
    first = halfway(new_browser)
    copy = new_browser()
    state = first.client.get_cookie("flowpulse_state")
    copy.client.set_cookie("flowpulse_state", state.value)
    assert second_step(copy, "000000").status_code == 422
    assert not copy.is_signed_in()
    code = app_code(secret)
    assert second_step(first, code).status_code == 303
    # The copy held the same pending sign-in: it was used up on the server.
    assert second_step_blind(copy, code).headers["Location"] == "/auth/login"
    assert not copy.is_signed_in()


def test_one_code_sent_from_two_pending_sign_ins_at_once_signs_in_one(new_browser, ada_protected):
    secret, _ = ada_protected
    people = [halfway(new_browser) for _ in range(CROWD)]
    code = app_code(secret)
    responses = run_at_once(
        *[person.ready_to_submit("/auth/two-factor", {"code": code}) for person in people]
    )
    assert sorted(r.status_code for r in responses) == [303] + [422] * (CROWD - 1)
    assert [person.is_signed_in() for person in people].count(True) == 1


def test_one_recovery_code_used_twice_at_once_signs_in_once(app, new_browser, ada, ada_protected):
    _, codes = ada_protected
    people = [halfway(new_browser) for _ in range(CROWD)]
    posts = [person.ready_to_submit("/auth/two-factor", {"code": codes[0]}) for person in people]
    responses = run_at_once(*posts)
    assert sorted(r.status_code for r in responses) == [303] + [422] * (CROWD - 1)
    with app.app_context():
        assert len(TwoFactor.of(ada.id).code_digests) == 9


def test_a_trust_cookie_of_one_account_does_not_skip_the_step_of_another(
    new_browser, make_user, totp_clock, ada, browser, ada_protected
):
    secret, _ = ada_protected
    person = halfway(new_browser)
    second_step(person, app_code(secret), trust=True)
    trust = person.client.get_cookie(PLAIN_TRUST_COOKIE)
    assert trust is not None and trust.http_only
    make_user(GRACE, name="Grace Hopper")
    grace = new_browser()
    grace.sign_in(GRACE)
    protect(grace, totp_clock)
    grace.client.set_cookie(PLAIN_TRUST_COOKIE, trust.value)
    assert grace.sign_in(GRACE).headers["Location"] == "/auth/two-factor"


def test_a_forged_trust_cookie_skips_nothing(new_browser, ada_protected):
    person = new_browser()
    person.client.set_cookie(PLAIN_TRUST_COOKIE, "A" * 22 + "." + "B" * 43)
    assert person.sign_in(ADA).headers["Location"] == "/auth/two-factor"


def _trusted_browser(new_browser, secret):
    """A browser that trusted itself, its sign-in since ended without a sign-out."""
    person = halfway(new_browser)
    second_step(person, app_code(secret), trust=True)
    person.drop_session_cookie()
    return person


def test_a_copy_of_the_trust_cookie_skips_nothing_once_its_browser_signed_out(
    new_browser, ada_protected
):
    """Sign-out's Clear-Site-Data clears the browser's cookie; a copy taken before
    (malware, a shared computer's profile backup) must not keep skipping the code."""
    secret, _ = ada_protected
    person = halfway(new_browser)
    second_step(person, app_code(secret), trust=True)
    thief = new_browser()
    thief.client.set_cookie(PLAIN_TRUST_COOKIE, person.client.get_cookie(PLAIN_TRUST_COOKIE).value)
    person.sign_out()
    assert thief.sign_in(ADA).headers["Location"] == "/auth/two-factor"


def test_signing_out_one_trusted_browser_keeps_the_others_trusted(
    app, new_browser, ada, ada_protected, totp_clock
):
    secret, _ = ada_protected
    laptop = _trusted_browser(new_browser, secret)
    totp_clock.next_step()
    phone = halfway(new_browser)
    second_step(phone, app_code(secret), trust=True)
    assert len(trust_rows(app, ada.id)) == 2
    phone.sign_out()
    assert len(trust_rows(app, ada.id)) == 1
    assert laptop.sign_in(ADA).headers["Location"] == "/profile"


def test_signing_out_everywhere_forgets_the_trusted_browsers(runner, new_browser, ada_protected):
    secret, _ = ada_protected
    person = _trusted_browser(new_browser, secret)
    assert person.sign_in(ADA).headers["Location"] == "/profile"
    assert runner.invoke(args=["sessions", "revoke", "--user", ADA]).exit_code == 0
    assert person.sign_in(ADA).headers["Location"] == "/auth/two-factor"


def test_signing_out_the_other_devices_forgets_the_trusted_browsers(
    new_browser, ada_protected, totp_clock
):
    secret, _ = ada_protected
    person = _trusted_browser(new_browser, secret)
    totp_clock.next_step()
    owner = halfway(new_browser)
    second_step(owner, app_code(secret))
    owner.submit("/profile/sessions", {}, action="/profile/sessions/revoke-others")
    assert person.sign_in(ADA).headers["Location"] == "/auth/two-factor"


def test_turning_the_factor_off_and_on_again_forgets_the_trusted_browsers(
    new_browser, ada_protected, totp_clock
):
    secret, _ = ada_protected
    person = _trusted_browser(new_browser, secret)
    totp_clock.next_step()
    owner = halfway(new_browser)
    second_step(owner, app_code(secret))
    owner.submit(
        "/profile/two-factor",
        {"current_password": STRONG_PASSWORD},
        action="/profile/two-factor/disable",
    )
    protect(owner, totp_clock)
    assert person.sign_in(ADA).headers["Location"] == "/auth/two-factor"


def test_a_password_reset_forgets_the_trusted_browsers(new_browser, ada_protected, mailbox):
    secret, _ = ada_protected
    person = _trusted_browser(new_browser, secret)
    person.submit("/auth/forgot-password", {"email": ADA})
    link = next(u for u in mailbox.links(mailbox.last_to(ADA)) if "/reset-password/" in u)
    person.submit(
        link.removeprefix("http://localhost"), {"password": "tangerine orbit velvet canyon 2026"}
    )
    assert person.sign_in(ADA, "tangerine orbit velvet canyon 2026").headers["Location"] == (
        "/auth/two-factor"
    )


def test_no_auth_cookie_exists_until_the_step_passes(new_browser, ada_protected):
    person = halfway(new_browser)
    assert person.client.get_cookie(PLAIN_COOKIE_NAME) is None
