"""``flask users show`` lists second factors (never secrets); ``flask users reset-two-factor``."""

import json
import logging

import pytest

from flowpulse.core import totp
from flowpulse.core.models import Passkey, TwoFactor
from tests.passkey_helpers import add_passkey
from tests.soft_authenticator import SoftAuthenticator
from tests.two_factor_helpers import TotpClock, turn_on


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch) -> TotpClock:
    clock = TotpClock()
    monkeypatch.setattr(totp, "now", clock)
    return clock


@pytest.fixture
def protected(browser, ada):
    return turn_on(browser)


def test_show_lists_the_authenticator_app_and_the_codes_left_never_the_secret(
    app, runner, protected
):
    secret, codes = protected
    result = runner.invoke(args=["users", "show", "ada@example.com"])
    assert result.exit_code == 0
    assert "Second factors:" in result.output
    assert "authenticator app" in result.output and "10" in result.output
    summary = json.loads(runner.invoke(args=["users", "show", "ada@example.com", "--json"]).output)
    assert summary["second_factors"]["authenticator_app"] is True
    assert summary["second_factors"]["recovery_codes_left"] == 10
    with app.app_context():
        row = TwoFactor.get()
    for output in (result.output, json.dumps(summary)):
        assert secret not in output and row.secret not in output
        assert not any(code in output for code in codes)


def test_show_says_when_the_password_alone_signs_in(runner, ada_account):
    result = runner.invoke(args=["users", "show", "ada@example.com"])
    assert "(none: the password alone signs in)" in result.output


def test_reset_two_factor_asks_first_then_removes_it_audits_and_emails(
    app, runner, protected, mailbox, caplog
):
    declined = runner.invoke(args=["users", "reset-two-factor", "ada@example.com"], input="n\n")
    assert declined.exit_code != 0
    with app.app_context():
        assert TwoFactor.select().count() == 1
    with caplog.at_level(logging.INFO, logger="flowpulse.audit"):
        result = runner.invoke(args=["users", "reset-two-factor", "ada@example.com"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Removed the second factors of ada@example.com" in result.output
    with app.app_context():
        assert TwoFactor.select().count() == 0
    audit = [r.getMessage() for r in caplog.records if r.name == "flowpulse.audit"]
    assert any(line.startswith("two-factor.reset") and "by=cli" in line for line in audit)
    notice = mailbox.last_to("ada@example.com")
    assert notice["Subject"] == "Two-factor sign-in is off"
    assert "by the site's operator" in mailbox.text(notice)


def test_reset_two_factor_with_yes_does_not_ask(runner, protected):
    result = runner.invoke(args=["users", "reset-two-factor", "ada@example.com", "--yes"])
    assert result.exit_code == 0


def test_reset_two_factor_of_an_account_without_one_says_so(runner, ada_account):
    result = runner.invoke(args=["users", "reset-two-factor", "ada@example.com", "--yes"])
    assert result.exit_code == 0
    assert result.output.strip() == "ada@example.com has no second factor and no passkey."


def test_reset_two_factor_of_an_unknown_address_fails_in_one_line(runner):
    result = runner.invoke(args=["users", "reset-two-factor", "nobody@example.com", "--yes"])
    assert result.exit_code != 0
    assert result.output.strip() == "Error: no user with email nobody@example.com"


def test_show_lists_passkeys_by_name_and_dates_never_their_keys(app, runner, browser, ada):
    assert add_passkey(browser, SoftAuthenticator(), name="Work laptop").status_code == 200
    text = runner.invoke(args=["users", "show", "ada@example.com"])
    assert "Passkeys:" in text.output and "Work laptop" in text.output
    shown = json.loads(runner.invoke(args=["users", "show", "ada@example.com", "--json"]).output)
    (passkey,) = shown["second_factors"]["passkeys"]
    assert passkey["name"] == "Work laptop" and passkey["last_used_at"] is None
    with app.app_context():
        (row,) = Passkey.select()
    for secret in (row.public_key, row.credential_id):
        assert secret not in text.output and secret not in json.dumps(shown)


def test_reset_two_factor_removes_passkeys_too_and_emails_each(app, runner, browser, ada, mailbox):
    assert add_passkey(browser, SoftAuthenticator(), name="Key").status_code == 200
    result = runner.invoke(args=["users", "reset-two-factor", "ada@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert "(and 1 passkey)" in result.output
    with app.app_context():
        assert Passkey.select().count() == 0
    notice = mailbox.last_to("ada@example.com")
    assert notice["Subject"] == "A passkey was removed from your account"
    assert "by the site's operator" in mailbox.text(notice)
