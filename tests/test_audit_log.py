"""Authentication events are logged one line each, and no log line holds a secret.

A whole journey runs with every logger at DEBUG (peewee's SQL included);
afterwards no line may contain a password, an emailed token, its verifier,
or a session cookie's token.
"""

import logging
from urllib.parse import urlsplit

import pytest

from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME
from tests.browser import OTHER_STRONG_PASSWORD, STRONG_PASSWORD

THIRD_PASSWORD = "amber walruses compose sonnets nightly 5"


def _token_in(link: str) -> str:
    return urlsplit(link).path.rsplit("/", 1)[1]


def _journey(browser, new_browser, mailbox, secrets: list[str]):
    """Do everything a person can, collecting every secret that passes by."""
    browser.sign_up("ada@example.com")
    verify_link = mailbox.links(mailbox.last_to("ada@example.com"))[0]
    browser.confirm_link(verify_link)
    secrets.append(browser.session_cookie.value)
    browser.sign_out()

    browser.sign_in("ada@example.com", "not my password at all, sorry")
    browser.sign_in("ada@example.com", remember=True)
    secrets.append(browser.session_cookie.value)
    phone = new_browser()
    phone.sign_in("ada@example.com")
    secrets.append(phone.session_cookie.value)

    browser.submit(
        "/profile/password",
        {
            "current_password": STRONG_PASSWORD,
            "new_password": OTHER_STRONG_PASSWORD,
            "revoke_other_sessions": "",
        },
    )
    secrets.append(browser.session_cookie.value)
    page = browser.get("/profile/sessions").get_data(as_text=True)
    other_id = page.split("/profile/sessions/")[1].split("/revoke")[0]
    browser.submit("/profile/sessions", {}, action=f"/profile/sessions/{other_id}/revoke")

    browser.submit("/auth/forgot-password", {"email": "ada@example.com"})
    reset_link = mailbox.links(mailbox.last_to("ada@example.com"))[0]
    browser.submit(urlsplit(reset_link).path, {"password": THIRD_PASSWORD})
    browser.sign_in("ada@example.com", THIRD_PASSWORD)
    secrets.append(browser.session_cookie.value)

    for link in (verify_link, reset_link):
        token = _token_in(link)
        secrets.extend([token, token.split(".", 1)[1]])
    secrets.extend([STRONG_PASSWORD, OTHER_STRONG_PASSWORD, THIRD_PASSWORD])


@pytest.fixture
def journey_log(browser, new_browser, mailbox, caplog):
    """Run the journey with every logger at DEBUG; return (lines, audit lines, secrets)."""
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = []
    _journey(browser, new_browser, mailbox, secrets)
    # Read now: caplog.records only shows the current phase (this is setup).
    records = list(caplog.records)
    # "mail.log" is aiosmtpd, the test's receiving mail server, logging the raw
    # message it got at DEBUG: the link is meant to be there. FlowPulse's own
    # lines are what must stay clean (whether a token showed whole in one of
    # the server's lines depended only on where quoted-printable broke them).
    lines = [record.getMessage() for record in records if record.name != "mail.log"]
    audit = [record.getMessage() for record in records if record.name == "flowpulse.audit"]
    return lines, audit, secrets


def test_no_log_line_contains_a_password_token_or_cookie(journey_log):
    lines, _, secrets = journey_log
    assert len(secrets) == 12
    assert any("SELECT" in line for line in lines)  # SQL really was logged
    for secret in secrets:
        leaks = [line for line in lines if secret in line]
        assert not leaks, f"a secret appears in the log: {leaks[0][:200]}"


def test_authentication_events_are_one_audit_line_each(journey_log):
    _, audit, _ = journey_log
    events = [line.split(" ", 1)[0] for line in audit]
    assert events.count("account.created") == 1
    assert events.count("email.verified") == 1
    assert events.count("sign-in.failed") == 1
    # The verification link signed the sign-up browser in, then three sign-ins.
    assert events.count("sign-in.succeeded") == 4
    assert events.count("password.changed") == 1
    assert events.count("session.revoked") == 1
    assert events.count("password-reset.requested") == 1
    assert events.count("password-reset.completed") == 1
    assert "sign-out" in events


def test_audit_lines_name_users_by_id_never_by_address(journey_log):
    _, audit_lines, _ = journey_log
    assert audit_lines
    assert not [line for line in audit_lines if "@" in line]
    assert all("ip=" in line for line in audit_lines)


def test_the_session_cookie_name_is_the_plain_one_in_tests(browser, make_user):
    # Guards the journey above: it reads the cookie by this name.
    make_user("ada@example.com")
    browser.sign_in("ada@example.com")
    assert browser.client.get_cookie(PLAIN_COOKIE_NAME) is not None
