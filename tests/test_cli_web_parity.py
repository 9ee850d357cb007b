"""Operators change accounts by the web's own path: the same rows, audit lines and mails.

Each pair does one change twice, once through the web and once through the
``flask`` command, to two accounts set up alike; afterwards both accounts
look alike in every table, and the audit lines and mails match (the
command's audit line also says ``by=cli``).
"""

import logging

import pytest

from flowpulse.core.models import Account, Session, User, Verification
from flowpulse.services import verification_tokens as tokens
from tests.browser import STRONG_PASSWORD

NEW_PASSWORD = "tangerine orbit velvet canyon 2026"
WEB, CLI = "web@example.com", "cli@example.com"


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="flowpulse.audit")
    return caplog


def audit_events(caplog, user_id: str) -> list[str]:
    """The audit events about one user, without their ids and addresses."""
    lines = [r.getMessage() for r in caplog.records if r.name == "flowpulse.audit"]
    return [line.split()[0] for line in lines if f"user={user_id}" in line]


def footprint(app, email: str) -> dict:
    """What the tables hold of one account, in comparable form."""
    with app.app_context():
        user = User.by_email(email)
        if user is None:
            return {"user": None}
        return {
            "verified": user.email_verified,
            "sessions": Session.select().where(Session.user == user.id).count(),
            "accounts": sorted(
                a.provider_id for a in Account.select().where(Account.user == user.id)
            ),
            "links": sorted(
                v.identifier.split(":")[0]
                for v in Verification.select().where(Verification.identifier.endswith(user.id))
            ),
        }


def with_pending_links(app, email: str, *, verified: bool, make_user, new_browser):
    """An account with a signed-in device and a reset link waiting, as both sides start."""
    user = make_user(email, verified=verified)
    if verified:
        new_browser().sign_in(email)
    with app.app_context():
        tokens.issue_token(tokens.RESET_PASSWORD, user, 3600)
    return user


def subjects(mailbox, email: str) -> list[str]:
    return [message["Subject"] for message in mailbox.to(email)]


def test_users_delete_leaves_what_deleting_on_the_web_leaves(
    app, runner, make_user, new_browser, mailbox, audit
):
    web = with_pending_links(app, WEB, verified=True, make_user=make_user, new_browser=new_browser)
    cli = with_pending_links(app, CLI, verified=True, make_user=make_user, new_browser=new_browser)
    browser = new_browser()
    browser.sign_in(WEB)
    browser.submit("/profile/delete", {"current_password": STRONG_PASSWORD})
    assert runner.invoke(args=["users", "delete", CLI, "--yes"]).exit_code == 0

    assert footprint(app, WEB) == footprint(app, CLI) == {"user": None}
    with app.app_context():
        assert Verification.select().count() == 0  # no link outlives its account
    assert audit_events(audit, web.id)[-1] == audit_events(audit, cli.id)[-1] == "account.deleted"
    assert subjects(mailbox, WEB) == subjects(mailbox, CLI) == []


def test_users_verify_leaves_what_the_emailed_link_leaves(
    app, runner, make_user, new_browser, mailbox, audit
):
    web = make_user(WEB, verified=False)
    cli = make_user(CLI, verified=False)
    with app.app_context():
        web_link = tokens.issue_token(tokens.VERIFY_EMAIL, web, 3600)
        tokens.issue_token(tokens.VERIFY_EMAIL, cli, 3600)
    new_browser().confirm_link(f"http://localhost/verify/email/{web_link}")
    assert runner.invoke(args=["users", "verify", CLI]).exit_code == 0

    assert footprint(app, WEB) == footprint(app, CLI)
    assert footprint(app, CLI)["verified"] is True
    assert footprint(app, CLI)["links"] == []
    assert audit_events(audit, web.id)[-1] == audit_events(audit, cli.id)[-1] == "email.verified"
    assert subjects(mailbox, WEB) == subjects(mailbox, CLI) == []


def test_users_set_password_leaves_what_a_reset_leaves(
    app, runner, make_user, new_browser, mailbox, audit
):
    web = with_pending_links(app, WEB, verified=True, make_user=make_user, new_browser=new_browser)
    cli = with_pending_links(app, CLI, verified=True, make_user=make_user, new_browser=new_browser)
    browser = new_browser()
    browser.submit("/auth/forgot-password", {"email": WEB})
    reset = next(link for link in mailbox.links(mailbox.last_to(WEB)) if "reset-password" in link)
    mailbox.clear()
    browser.submit(reset.removeprefix("http://localhost"), {"password": NEW_PASSWORD})
    result = runner.invoke(args=["users", "set-password", CLI, "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output

    assert footprint(app, WEB) == footprint(app, CLI)
    assert footprint(app, CLI) == {
        "verified": True,
        "sessions": 0,
        "accounts": ["credential"],
        "links": [],
    }
    assert audit_events(audit, web.id)[-1] == "password-reset.completed"
    assert audit_events(audit, cli.id)[-1] == "password.changed"
    assert subjects(mailbox, WEB) == subjects(mailbox, CLI) == ["Your password was changed"]
    assert new_browser().sign_in(CLI, NEW_PASSWORD).status_code == 303


def session_ids(app, user_id: str) -> set[str]:
    """The ids of an account's session rows."""
    with app.app_context():
        return {row.id for row in Session.select().where(Session.user == user_id)}


def test_sessions_revoke_leaves_what_signing_out_a_device_on_the_web_leaves(
    app, runner, make_user, new_browser, audit
):
    web, cli = make_user(WEB), make_user(CLI)
    owner, web_device = new_browser(), new_browser()
    owner.sign_in(WEB)
    owners = session_ids(app, web.id)
    web_device.sign_in(WEB)
    new_browser().sign_in(CLI)
    # The other device's row by id, not by time: two sign-ins can share a timestamp.
    (web_target_id,) = session_ids(app, web.id) - owners
    (cli_target_id,) = session_ids(app, cli.id)
    owner.submit("/profile/sessions", {}, action=f"/profile/sessions/{web_target_id}/revoke")
    assert runner.invoke(args=["sessions", "revoke", cli_target_id]).exit_code == 0

    assert not web_device.is_signed_in()
    assert footprint(app, CLI)["sessions"] == 0
    assert footprint(app, WEB)["sessions"] == 1  # the owner's own device
    assert audit_events(audit, web.id)[-1] == audit_events(audit, cli.id)[-1] == "session.revoked"
