"""The second step cannot be outguessed: its limits live on the server.

An outside attack found that the wrong code which ends a pending sign-in
(answered with a redirect) was given back to the rate limit, and that the
wrong-code count lived in Flask's signed cookie: replaying the cookie that
said "4 wrong" made every guess free, 300 of them, then the right code
signed in. These tests replay that attack and its relatives.
"""

import pytest

from flowpulse.core import totp
from flowpulse.core.models import PendingSignIn, Session
from flowpulse.services import pending_sign_ins
from flowpulse.services.credentials import set_password
from tests.browser import OTHER_STRONG_PASSWORD
from tests.two_factor_helpers import TotpClock, app_code, second_step, second_step_blind, turn_on

ADA = "ada@example.com"
STATE_COOKIE = "flowpulse_state"


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch) -> TotpClock:
    clock = TotpClock()
    monkeypatch.setattr(totp, "now", clock)
    return clock


@pytest.fixture
def secret(browser, ada, totp_clock) -> str:
    """Ada's authenticator app is on; she is signed out."""
    key, _ = turn_on(browser)
    browser.sign_out()
    totp_clock.next_step()
    totp_clock.next_step()
    return key


def halfway(new_browser):
    """A browser past the password, at the second step."""
    person = new_browser()
    assert person.sign_in(ADA).headers["Location"] == "/auth/two-factor"
    return person


def test_replaying_the_cookie_of_four_wrong_codes_buys_no_more_guesses(new_browser, secret):
    person = halfway(new_browser)
    for _ in range(4):
        assert second_step(person, "000000").status_code == 422
    four_wrong = person.client.get_cookie(STATE_COOKIE).value
    answers = []
    for _ in range(20):
        person.client.set_cookie(STATE_COOKIE, four_wrong)
        answers.append(second_step_blind(person, "000000"))
    # The fifth wrong code ended the sign-in on the server: no replay checks a code again.
    assert all(answer.status_code == 303 for answer in answers)
    assert {answer.headers["Location"] for answer in answers} == {"/auth/login"}
    person.client.set_cookie(STATE_COOKIE, four_wrong)
    assert second_step_blind(person, app_code(secret)).headers["Location"] == "/auth/login"
    assert not person.is_signed_in()
    # And the account's sign-in attempts are spent: the password is not even checked.
    assert new_browser().sign_in(ADA).status_code == 429


def test_the_wrong_code_that_ends_a_sign_in_spends_an_attempt(new_browser, secret):
    """Five wrong codes (the last answered 303) leave no attempt for a sixth guess."""
    person = halfway(new_browser)
    answers = [second_step(person, "000000").status_code for _ in range(5)]
    assert answers == [422, 422, 422, 422, 303]
    again = new_browser()
    assert again.sign_in(ADA).status_code == 429


def test_a_copied_cookie_shares_one_count_of_wrong_codes(new_browser, secret):
    first = halfway(new_browser)
    copy = new_browser()
    copy.client.set_cookie(STATE_COOKIE, first.client.get_cookie(STATE_COOKIE).value)
    assert second_step(first, "000000").status_code == 422
    assert second_step(copy, "000000").status_code == 422
    assert second_step(first, "000000").status_code == 422
    assert second_step(copy, "000000").status_code == 422
    assert second_step(first, "000000").status_code == 303  # the fifth, between the two
    assert second_step_blind(copy, app_code(secret)).status_code in (303, 429)
    assert not copy.is_signed_in() and not first.is_signed_in()


def test_the_cookie_holds_only_a_token_of_a_row_on_the_server(app, new_browser, secret):
    person = halfway(new_browser)
    with person.client.session_transaction() as session:
        token = session["pending_sign_in"]
    assert isinstance(token, str) and len(token) >= 43
    with app.app_context():
        row = PendingSignIn.get_by_id(pending_sign_ins.digest(token))
        assert row.wrong_codes == 0 and row.method == "password"
    second_step(person, "000000")
    with app.app_context():
        assert PendingSignIn.get_by_id(row.id).wrong_codes == 1


def test_a_password_change_ends_every_sign_in_waiting_for_its_code(app, new_browser, ada, secret):
    person = halfway(new_browser)
    with app.app_context():
        set_password(ada, OTHER_STRONG_PASSWORD)
        assert PendingSignIn.select().count() == 0
    response = second_step_blind(person, app_code(secret))
    assert response.headers["Location"] == "/auth/login"
    assert not person.is_signed_in()


def test_a_pending_sign_in_made_with_an_old_password_is_dead_even_if_its_row_survived(
    app, new_browser, ada, secret
):
    """The credential version is checked too, whatever path changed the hash."""
    person = halfway(new_browser)
    with app.app_context():
        from flowpulse.core.models import Account
        from flowpulse.core.passwords import hash_password

        Account.update(password=hash_password(OTHER_STRONG_PASSWORD)).where(
            Account.user == ada.id
        ).execute()
    assert second_step_blind(person, app_code(secret)).headers["Location"] == "/auth/login"
    assert not person.is_signed_in()


def test_the_owner_is_emailed_after_three_wrong_codes(new_browser, secret, mailbox):
    person = halfway(new_browser)
    for _ in range(3):
        second_step(person, "000000")
    notice = mailbox.wait_for(ADA)[-1]
    assert notice["Subject"] == "Someone is trying to sign in to your account"
    assert "3 wrong two-factor codes" in mailbox.text(notice)


def test_a_used_pending_sign_in_is_gone_from_the_server(app, new_browser, secret):
    person = halfway(new_browser)
    assert second_step(person, app_code(secret)).status_code == 303
    with app.app_context():
        assert PendingSignIn.select().count() == 0
        assert Session.select().count() >= 1
