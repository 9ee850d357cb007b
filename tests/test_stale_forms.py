"""A signed-in form posted with a stale CSRF token comes back filled in, never a bare 400 page.

What was typed returns (never a password), with "This form expired ...
Please submit it again." above it; nothing changes until it is sent again.
"""

import pytest

from tests.browser import STRONG_PASSWORD
from tests.helpers import main_text

STALE = {"csrf_token": "a token from a page opened yesterday"}
EXPIRED = "This form expired or came from another site. Please submit it again."


def post_stale(browser, path, data):
    return browser.client.post(path, data={**data, **STALE})


@pytest.mark.parametrize(
    ("path", "data", "kept", "heading"),
    [
        ("/profile", {"name": "Ada King", "image": ""}, 'value="Ada King"', "Edit your profile"),
        (
            "/profile/email",
            {"new_email": "ada.king@example.com", "current_password": STRONG_PASSWORD},
            'value="ada.king@example.com"',
            "Change your email address",
        ),
        (
            "/profile/password",
            {"current_password": STRONG_PASSWORD, "new_password": "a brand new passphrase 2"},
            None,
            "Change your password",
        ),
        ("/profile/delete", {"current_password": STRONG_PASSWORD}, None, "Delete your account"),
    ],
)
def test_a_stale_token_re_renders_the_form_with_what_was_typed(
    browser, ada, user_row, path, data, kept, heading
):
    response = post_stale(browser, path, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert heading in html
    assert EXPIRED in main_text(response)
    assert "<title>Error: " in html
    if kept:
        assert kept in html
    for name, value in data.items():
        if "password" in name:
            assert value not in html  # never written back
    assert response.headers["Cache-Control"] == "no-store"
    # Nothing happened: the account is as it was, and still signed in.
    assert user_row("ada@example.com").name == "Ada Lovelace"
    assert browser.is_signed_in()


def test_a_stale_token_on_the_devices_page_shows_the_devices_with_the_message(browser, ada):
    response = browser.client.post("/profile/sessions/revoke-others", data=STALE)
    assert response.status_code == 400
    assert "Your devices" in main_text(response) and EXPIRED in main_text(response)


def test_a_stale_link_button_shows_the_link_page_again_unused(app, browser, mailbox):
    browser.sign_up("grace@example.com")
    link = mailbox.links(mailbox.last_to("grace@example.com"))[0]
    path = link.split("localhost", 1)[1]
    response = browser.client.post(path, data=STALE)
    assert response.status_code == 400
    assert "Confirm your email address" in main_text(response)
    assert EXPIRED in main_text(response)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # The link still works with the page's own button.
    assert browser.confirm_link(link).status_code == 303


def test_a_signed_out_post_to_a_signed_in_form_gets_the_plain_expired_page(client):
    response = client.post("/profile/email", data=STALE)
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
