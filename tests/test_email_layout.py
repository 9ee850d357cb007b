"""Every email: a header, a real button, the link written out, a plain-text part saying the
same, and a footer saying why the person got it."""

import re
from html import unescape

import pytest

from flowpulse.core.mail import build_message
from tests.mailbox import Mailbox

LINK = "http://localhost/verify/email/SELECTOR.VERIFIER"
RESET = "http://localhost/auth/forgot-password"
LOGIN = "http://localhost/auth/login"

#: template -> (context, the link its button opens)
MESSAGES = {
    "verify_email": ({"name": "Ada", "email": "ada@example.com", "link": LINK}, LINK),
    "change_email": ({"name": None, "new_email": "ada@example.org", "link": LINK}, LINK),
    "reset_password": ({"name": "Ada", "link": LINK}, LINK),
    "already_registered": ({"name": "Ada", "login_link": LOGIN, "reset_link": RESET}, LOGIN),
    "password_changed": ({"name": "Ada", "login_link": LOGIN, "reset_link": RESET}, RESET),
    "email_change_notice": (
        {"name": "Ada", "new_email": "x@example.org", "login_link": LOGIN, "reset_link": RESET},
        RESET,
    ),
    "email_changed": (
        {"name": "Ada", "new_email": "x@example.org", "login_link": LOGIN, "reset_link": RESET},
        RESET,
    ),
    "address_in_use": ({"reset_link": RESET}, RESET),
    "ways_in_removed": (
        {"name": None, "removed": ["GitHub sign-in", "1 passkey"], "reset_link": RESET},
        RESET,
    ),
}


def parts(app, template, context):
    with app.test_request_context():
        message = build_message("ada@example.com", "Subject", template, **context)
    html = message.get_body(preferencelist=("html",)).get_content()
    return html, Mailbox.text(message)


def visible(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("template", list(MESSAGES))
def test_every_email_has_a_header_a_button_the_link_written_out_and_a_reason(app, template):
    context, link = MESSAGES[template]
    html, text = parts(app, template, context)
    assert re.search(r"font-weight: 700;[^>]*>\s*<span[^>]*></span>FlowPulse", html)  # header
    button = re.search(
        r'<td style="border-radius: 6px; background: #3b5bdb;">\s*<a href="([^"]+)"', html
    )
    assert button and unescape(button.group(1)) == link
    assert f">{link}</a>" in html  # written out for copying
    reason = re.search(r"You got this email because [^<]+", html).group(0)
    assert " ".join(reason.split()) in " ".join(text.split())  # the text part says why too
    assert link in text
    assert text.index(link) < text.index("You got this email")  # the action first


@pytest.mark.parametrize("template", ["verify_email", "change_email", "reset_password"])
def test_the_text_part_says_what_the_html_part_says(app, template):
    context, link = MESSAGES[template]
    html, text = parts(app, template, context)
    body = text.split("=========", 1)[1].split("\n--\n", 1)[0].replace(link, "")
    shown = visible(html).replace('"', "")
    for sentence in re.split(r"[.:] ", " ".join(body.split()).replace('"', "")):
        assert sentence.strip(" .:") in shown, sentence


def test_link_lifetimes_read_as_people_say_them(app):
    html, text = parts(app, "verify_email", MESSAGES["verify_email"][0])
    assert "expires in 24 hours" in text and "expires in 24 hours" in visible(html)
    assert "hour(s)" not in text


def test_verification_and_change_mails_still_say_to_press_the_button_on_the_page(app):
    for template, button in (("verify_email", "Confirm"), ("change_email", "Change my email")):
        html, text = parts(app, template, MESSAGES[template][0])
        assert f'press\nthe "{button}" button on the page it shows' in text or (
            f'press the "{button}" button on the page it shows' in " ".join(text.split())
        )
        assert f"press the {button} button on the page it shows" in visible(html)
