"""/profile/email: changing the address, applied only once the new one is confirmed."""

import re

import pytest

from tests.browser import STRONG_PASSWORD


def ask_for_change(browser, new_email, password=STRONG_PASSWORD):
    return browser.submit("/profile/email", {"new_email": new_email, "current_password": password})


def link_in(mailbox, address):
    """Return the confirmation link in the newest message to ``address``."""
    (link,) = [url for url in mailbox.links(mailbox.last_to(address)) if "/verify/email/" in url]
    return link.removeprefix("http://localhost")


def test_asking_for_a_change_emails_a_link_to_the_new_address_and_a_notice_to_the_old(
    browser, ada, mailbox
):
    response = ask_for_change(browser, "Ada.King@Example.org")
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"
    page = browser.get("/profile").get_data(as_text=True)
    assert "We sent a link to ada.king@example.org." in page
    assert "Your email changes once you open it." in page

    assert link_in(mailbox, "ada.king@example.org").startswith("/verify/email/")
    notice = mailbox.text(mailbox.last_to("ada@example.com"))
    assert "ada.king@example.org" in notice
    assert "/verify/email/" not in notice


def test_until_the_link_is_opened_sign_in_works_with_the_old_address_only(
    browser, new_browser, ada, user_row
):
    ask_for_change(browser, "ada.king@example.org")
    assert user_row("ada@example.com").email == "ada@example.com"
    assert new_browser().sign_in("ada.king@example.org").status_code == 422
    assert new_browser().sign_in("ada@example.com").status_code == 303


def test_opening_the_link_only_shows_the_change_it_would_make(browser, ada, user_row, mailbox):
    ask_for_change(browser, "ada.king@example.org")
    page = browser.open_link(link_in(mailbox, "ada.king@example.org"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "from <strong>ada@example.com</strong> to <strong>ada.king@example.org</strong>" in html
    assert user_row("ada@example.com").id == ada.id


def test_a_stranger_holding_the_link_sees_only_the_address_it_was_sent_to(
    browser, new_browser, ada, mailbox
):
    ask_for_change(browser, "ada.king@example.org")
    html = new_browser().open_link(link_in(mailbox, "ada.king@example.org")).get_data(as_text=True)
    assert "ada.king@example.org" in html
    assert "ada@example.com" not in html


def test_confirming_applies_the_new_address_and_keeps_this_device_signed_in(
    browser, new_browser, ada, user_row, mailbox
):
    ask_for_change(browser, "ada.king@example.org")
    response = browser.confirm_link(link_in(mailbox, "ada.king@example.org"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"
    assert user_row("ada@example.com") is None
    changed = user_row("ada.king@example.org")
    assert changed.id == ada.id
    assert changed.email_verified
    assert new_browser().sign_in("ada.king@example.org").status_code == 303
    assert new_browser().sign_in("ada@example.com").status_code == 422
    page = browser.get("/profile").get_data(as_text=True)
    assert "ada.king@example.org" in page


def test_an_applied_change_signs_out_the_other_devices_and_tells_the_old_address(
    browser, new_browser, ada, mailbox
):
    phone = new_browser()
    phone.sign_in("ada@example.com")
    ask_for_change(browser, "ada.king@example.org")
    browser.confirm_link(link_in(mailbox, "ada.king@example.org"))
    assert browser.is_signed_in()
    assert not phone.is_signed_in()
    notice = mailbox.last_to("ada@example.com")
    assert notice["Subject"] == "Your email address was changed"
    assert "ada.king@example.org" in mailbox.text(notice)


def test_confirming_in_another_browser_applies_it_and_asks_to_sign_in(
    browser, new_browser, ada, user_row, mailbox
):
    ask_for_change(browser, "ada.king@example.org")
    other = new_browser()
    response = other.confirm_link(link_in(mailbox, "ada.king@example.org"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"
    assert user_row("ada.king@example.org").id == ada.id
    assert not other.is_signed_in()
    # Every session of the account ended: the change came from elsewhere.
    assert not browser.is_signed_in()


def without_csrf_tokens(html: str) -> str:
    """Return the page with every CSRF token value blanked."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", html)


def test_a_taken_address_gets_the_same_answer_and_no_link(browser, ada, make_user, mailbox):
    make_user("grace@example.com", name="Grace Hopper")
    free = ask_for_change(browser, "ada.king@example.org")
    free_page = browser.get("/profile").get_data(as_text=True)
    mailbox.clear()

    taken = ask_for_change(browser, "grace@example.com")
    taken_page = browser.get("/profile").get_data(as_text=True)

    assert (taken.status_code, taken.headers["Location"]) == (
        free.status_code,
        free.headers["Location"],
    )
    # CSRF tokens carry a timestamp, so they are masked before comparing.
    assert without_csrf_tokens(taken_page).replace("grace@example.com", "NEW") == (
        without_csrf_tokens(free_page).replace("ada.king@example.org", "NEW")
    )
    # The taken address gets no link, only a notice that someone tried to use
    # it (which also keeps both answers at two messages); the old address is
    # told as usual.
    (notice,) = mailbox.to("grace@example.com")
    assert notice["Subject"] == "Someone tried to use your email address"
    assert not [link for link in mailbox.links(notice) if "/verify/" in link]
    assert "grace@example.com" in mailbox.text(mailbox.last_to("ada@example.com"))


def test_a_change_to_an_address_registered_before_the_click_is_refused(
    browser, new_browser, ada, make_user, user_row, mailbox
):
    ask_for_change(browser, "ada.king@example.org")
    link = link_in(mailbox, "ada.king@example.org")
    make_user("ada.king@example.org", name="Someone Else")

    response = new_browser().confirm_link(link)
    assert response.status_code == 400
    assert "can no longer be used" in response.get_data(as_text=True)
    assert user_row("ada@example.com").id == ada.id
    assert user_row("ada.king@example.org").name == "Someone Else"


def test_a_wrong_current_password_is_refused_and_sends_nothing(browser, ada, mailbox):
    # The message itself: tests/test_profile_reauthentication.py.
    assert ask_for_change(browser, "ada.king@example.org", "not my password").status_code == 422
    assert mailbox.messages == []


def test_asking_for_the_current_address_says_it_is_already_yours(browser, ada, mailbox):
    response = ask_for_change(browser, "ADA@example.com")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="new_email-error"' in page
    assert "That is already your address" in page
    assert mailbox.messages == []


@pytest.mark.parametrize(
    "new_email", ["", "not-an-address", "ada@", "ada\x00@example.org", "a" * 300 + "@example.org"]
)
def test_an_invalid_new_address_is_refused_next_to_the_field(browser, ada, mailbox, new_email):
    response = ask_for_change(browser, new_email)
    assert response.status_code == 422
    assert 'id="new_email-error"' in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_the_email_page_shows_the_current_address(browser, ada):
    page = browser.get("/profile/email").get_data(as_text=True)
    assert "<strong>ada@example.com</strong>" in page
    assert 'name="new_email"' in page and 'name="current_password"' in page


def test_re_authenticating_for_a_change_renews_this_devices_session_token(
    browser, ada, new_browser
):
    old_token = browser.session_cookie.value
    assert ask_for_change(browser, "ada.king@example.org").status_code == 303
    assert browser.session_cookie.value != old_token
    assert browser.is_signed_in()
    # A copy of the old cookie no longer works.
    thief = new_browser()
    thief.client.set_cookie(browser.session_cookie.key, old_token)
    assert not thief.is_signed_in()
