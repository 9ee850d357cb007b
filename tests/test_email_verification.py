"""/verify/email/<token> and /verify/resend: proving an address through the real SMTP server."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from flowpulse.core.clock import utcnow
from flowpulse.core.models import Verification
from tests.browser import Browser
from tests.helpers import flashed_messages
from tests.mailbox import Mailbox

EMAIL = "ada@example.com"
LINK_PREFIX = "http://localhost/verify/email/"


def verification_link(mailbox: Mailbox, email: str = EMAIL) -> str:
    """Return the verification link in the newest message to ``email``."""
    message = mailbox.last_to(email)
    [link] = [link for link in Mailbox.links(message) if link.startswith(LINK_PREFIX)]
    return link


def path_of(link: str) -> str:
    return urlsplit(link).path


def sign_up_and_get_link(browser: Browser, mailbox: Mailbox) -> str:
    browser.sign_up(EMAIL)
    return verification_link(mailbox)


def ask_for_a_new_link(browser: Browser, email: str):
    """Post the signed-out "send a new link" form that sits on the sign-in page."""
    return browser.submit("/auth/login", {"email": email}, action="/verify/resend")


def expire_every_link(app) -> None:
    with app.app_context():
        Verification.update(expires_at=utcnow() - timedelta(minutes=1)).execute()


def test_a_sign_up_emails_a_link_built_from_base_url(browser, mailbox):
    link = sign_up_and_get_link(browser, mailbox)
    assert link.startswith(LINK_PREFIX)
    assert "verify" in mailbox.last_to(EMAIL)["Subject"].lower()


def test_opening_the_link_shows_the_address_and_a_button_and_changes_nothing(
    browser, mailbox, user_row
):
    link = sign_up_and_get_link(browser, mailbox)
    page = browser.open_link(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Confirm {EMAIL}" in html
    assert 'method="post"' in html
    assert not user_row(EMAIL).email_verified
    assert not browser.is_signed_in()


def test_pressing_the_button_in_the_sign_up_browser_verifies_and_signs_it_in(
    browser, mailbox, user_row
):
    link = sign_up_and_get_link(browser, mailbox)
    response = browser.confirm_link(link)
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"
    assert user_row(EMAIL).email_verified
    assert browser.is_signed_in()


def test_pressing_the_button_in_another_browser_verifies_but_asks_to_sign_in(
    browser, mailbox, user_row, new_browser
):
    link = sign_up_and_get_link(browser, mailbox)
    other = new_browser()
    response = other.confirm_link(link)
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"
    assert user_row(EMAIL).email_verified
    assert not other.is_signed_in()
    assert "sign in to continue" in " ".join(flashed_messages(other.get("/auth/login")))
    assert not browser.is_signed_in()


def test_a_second_click_signed_out_says_the_link_was_already_used(browser, mailbox, new_browser):
    link = sign_up_and_get_link(browser, mailbox)
    assert browser.confirm_link(link).status_code == 303
    stranger = new_browser()
    response = stranger.open_link(link)
    assert response.status_code == 400
    assert "already used or is not valid" in response.get_data(as_text=True)
    assert not stranger.is_signed_in()


def test_a_second_click_signed_in_says_the_address_is_already_verified(browser, mailbox):
    link = sign_up_and_get_link(browser, mailbox)
    browser.confirm_link(link)
    response = browser.open_link(link)
    assert response.status_code == 400
    assert "Your email address, ada@example.com, is already verified." in response.get_data(
        as_text=True
    )


def test_the_stored_link_holds_neither_the_token_nor_its_verifier(app, browser, mailbox):
    token = path_of(sign_up_and_get_link(browser, mailbox)).rsplit("/", 1)[1]
    verifier = token.split(".")[1]
    with app.app_context():
        [row] = Verification.select()
    assert token not in row.value
    assert verifier not in row.value


def test_an_expired_link_is_refused_and_verifies_nothing(app, browser, mailbox, user_row):
    link = sign_up_and_get_link(browser, mailbox)
    expire_every_link(app)
    response = browser.confirm_link(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert not user_row(EMAIL).email_verified
    assert not browser.is_signed_in()


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "x.y",
        "%00",
        "abc%00def.ghi",
        "a" * 5_000,
        "A" * 22 + "." + "B" * 43,
        "ünïcødé.tøkén",
        "%E2%80%AE",
        "..%2F..%2Fetc",
    ],
    ids=["short", "dotted", "nul", "nul-inside", "5000", "unknown", "unicode", "rtl", "dots"],
)
def test_garbage_tokens_are_refused_without_a_server_error(client, token):
    response = client.get(f"/verify/email/{token}")
    assert response.status_code in (400, 404)


def test_resend_signed_out_answers_alike_for_unknown_verified_and_unverified_addresses(
    make_user, new_browser
):
    make_user("verified@example.com", verified=True)
    make_user("waiting@example.com", verified=False)
    answers = []
    for email in ("nobody@example.com", "verified@example.com", "waiting@example.com"):
        browser = new_browser()
        response = ask_for_a_new_link(browser, email)
        page = browser.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], flashed_messages(page)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 303


def test_resend_mails_only_unverified_addresses(make_user, browser, mailbox):
    make_user("verified@example.com", verified=True)
    make_user("waiting@example.com", verified=False)
    for email in ("nobody@example.com", "verified@example.com", "waiting@example.com"):
        ask_for_a_new_link(browser, email)
    assert [rcpt for _sender, rcpt in mailbox.envelopes] == [["waiting@example.com"]]
    assert verification_link(mailbox, "waiting@example.com").startswith(LINK_PREFIX)


def test_resend_sends_at_most_one_link_a_minute(make_user, browser, mailbox):
    make_user("waiting@example.com", verified=False)
    ask_for_a_new_link(browser, "waiting@example.com")
    ask_for_a_new_link(browser, "waiting@example.com")
    assert len(mailbox.to("waiting@example.com")) == 1


def test_a_resent_link_verifies_the_address(make_user, browser, mailbox, user_row):
    make_user("waiting@example.com", verified=False)
    ask_for_a_new_link(browser, "waiting@example.com")
    link = verification_link(mailbox, "waiting@example.com")
    response = browser.confirm_link(link)
    assert response.status_code == 303
    assert user_row("waiting@example.com").email_verified
    # Asked for from a form anyone can fill in: it signs nobody in.
    assert response.headers["Location"] == "/auth/login"
    assert not browser.is_signed_in()
