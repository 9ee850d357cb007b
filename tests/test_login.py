"""/auth/login: signing in with email and password."""

from flowpulse.core.models import Session
from tests.browser import STRONG_PASSWORD


def test_signing_in_creates_a_session_row_and_opens_the_profile(app, browser, make_user):
    make_user("ada@example.com")
    response = browser.sign_in("ada@example.com")
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"
    assert browser.is_signed_in()
    with app.app_context():
        assert Session.select().count() == 1


def test_a_wrong_password_says_wrong_email_or_password(browser, make_user):
    make_user("ada@example.com")
    response = browser.sign_in("ada@example.com", "not the right password at all")
    assert response.status_code == 422
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert not browser.is_signed_in()


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(browser, make_user):
    make_user("ada@example.com")
    wrong_password = browser.sign_in("ada@example.com", "not the right password at all")
    unknown = browser.sign_in("nobody@example.com", "not the right password at all")
    assert unknown.status_code == wrong_password.status_code
    assert "Wrong email or password." in unknown.get_data(as_text=True)


def test_sign_in_accepts_the_address_in_any_case(browser, make_user):
    make_user("ada@example.com")
    assert browser.sign_in("ADA@Example.COM").status_code == 303


def test_an_unverified_account_with_the_right_password_is_asked_to_verify(
    browser, make_user, mailbox
):
    make_user("ada@example.com", verified=False)
    response = browser.sign_in("ada@example.com", STRONG_PASSWORD)
    assert response.status_code == 403
    assert "verify your email first" in response.get_data(as_text=True).lower()
    assert len(mailbox.to("ada@example.com")) == 1
    # A second attempt within the minute sends no second link.
    browser.sign_in("ada@example.com", STRONG_PASSWORD)
    assert len(mailbox.to("ada@example.com")) == 1
