"""One person's whole journey, through the real SMTP server: sign up, verify, sign in, recover.

Sign up, receive the email, verify, sign out (the old cookie is then
worthless), sign in on two browsers, reset the password, and find both
browsers signed out; nothing in the database lets anyone back in.
"""

from urllib.parse import urlsplit

from flowpulse.core.models import Account, Session, Verification
from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME
from tests.browser import STRONG_PASSWORD

NEW_PASSWORD = "tangerine orbit velvet canyon 2026"


def _link(mailbox, address: str, path: str) -> str:
    (link,) = [url for url in mailbox.links(mailbox.last_to(address)) if path in url]
    return urlsplit(link).path


def test_sign_up_verify_sign_out_sign_in_twice_reset_and_both_browsers_are_out(
    app, browser, new_browser, mailbox
):
    # Sign up; the link arrives by email, and its page's button signs this browser in.
    assert browser.sign_up("ada@example.com").status_code == 303
    assert not browser.is_signed_in()
    assert (
        browser.confirm_link(_link(mailbox, "ada@example.com", "/verify/email/")).status_code == 303
    )
    assert browser.is_signed_in()

    # Sign out; replaying the old cookie signs nobody in.
    old_cookie = browser.session_cookie.value
    assert browser.sign_out().status_code == 303
    thief = new_browser()
    thief.client.set_cookie(PLAIN_COOKIE_NAME, old_cookie)
    assert not thief.is_signed_in()

    # Sign in on two browsers.
    laptop, phone = new_browser(), new_browser()
    assert laptop.sign_in("ada@example.com").status_code == 303
    assert phone.sign_in("ada@example.com", remember=True).status_code == 303
    assert laptop.is_signed_in() and phone.is_signed_in()

    # Reset the password from the emailed link. While the link is outstanding,
    # its row holds neither the token nor its secret half.
    browser.submit("/auth/forgot-password", {"email": "ada@example.com"})
    reset = _link(mailbox, "ada@example.com", "/auth/reset-password/")
    token = reset.rsplit("/", 1)[1]
    with app.app_context():
        [pending] = Verification.select()
    assert token not in pending.value and token.split(".")[1] not in pending.value
    # Using it signs both browsers out.
    assert browser.submit(reset, {"password": NEW_PASSWORD}).status_code == 303
    assert not laptop.is_signed_in() and not phone.is_signed_in()
    assert laptop.sign_in("ada@example.com", STRONG_PASSWORD).status_code == 422
    assert laptop.sign_in("ada@example.com", NEW_PASSWORD).status_code == 303

    # What a stolen copy of the database holds lets nobody in.
    with app.app_context():
        tokens = [s.token for s in Session.select()]
        hashes = [a.password for a in Account.select()]
    assert tokens and laptop.session_cookie.value not in tokens
    assert all(h.startswith("$argon2id$") and NEW_PASSWORD not in h for h in hashes)
