"""Building a product on FlowPulse: a team blueprint, signal receivers, a menu link, own tables.

The example product in ``tests/example_product`` is what the README's
"Building your product on FlowPulse" shows. Every signal fires once per
committed change, after the commit, and never for a change that failed.
"""

import pytest
from flask_login import user_logged_in, user_logged_out

from flowpulse import signals
from flowpulse.core.database import db
from flowpulse.core.models import User
from tests import example_product
from tests.browser import OTHER_STRONG_PASSWORD, STRONG_PASSWORD
from tests.example_product.models import Workspace
from tests.helpers import run_at_once

NEW_PASSWORD = "tangerine orbit velvet canyon 2026"
DEAD_LINK = "http://localhost/verify/email/" + "A" * 22 + "." + "B" * 43


@pytest.fixture
def product(app):
    """The app with the example product added and its own table migrated."""
    example_product.init_app(app)
    with app.app_context():
        assert example_product.migrate() == ["001_workspaces"]
        db.close()
    yield app
    with app.app_context():
        db.execute_sql("DROP TABLE IF EXISTS workspace")
        db.execute_sql("DROP TABLE IF EXISTS workspaces_migratehistory")
        db.close()


@pytest.fixture
def fired(product):
    """Every signal the app sends, as (signal name, user id), in order."""
    events: list[tuple[str, str]] = []

    def recorder(name):
        def record(app, user, **extra):
            assert app is product
            # Sent after the commit: what the signal says is in the database.
            with app.app_context():
                exists = User.select().where(User.id == user.id).exists()
            assert exists == (name != "user-deleted"), name
            events.append((name, user.id))

        return record

    receivers = [(signal, recorder(signal.name)) for signal in signals.ALL]
    receivers += [(user_logged_in, recorder("flask-login-in"))]
    receivers += [(user_logged_out, recorder("flask-login-out"))]
    for signal, receiver in receivers:
        signal.connect(receiver, sender=product)
    yield events
    for signal, receiver in receivers:
        signal.disconnect(receiver, sender=product)


def names(events) -> list[str]:
    return [name for name, _ in events]


def test_a_new_account_gets_its_workspace_from_the_teams_receiver(product, browser, mailbox):
    browser.sign_up("ada@example.com")
    with product.app_context():
        user = User.by_email("ada@example.com")
        assert Workspace.get(Workspace.owner == user.id).name == "Ada Lovelace's workspace"


def test_the_teams_page_needs_a_sign_in_and_shows_in_the_account_menu(
    product, browser, ada_account
):
    assert browser.get("/workspaces/").headers["Location"].startswith("/auth/login?next=")
    browser.sign_in("ada@example.com")
    assert browser.get("/workspaces/").get_data(as_text=True) == (
        "<h1>Ada Lovelace&#39;s workspace</h1>"
    )
    assert 'href="/workspaces/"' in browser.get("/profile").get_data(as_text=True)


def test_deleting_the_account_deletes_its_workspace_with_it(product, browser, ada):
    browser.submit("/profile/delete", {"current_password": STRONG_PASSWORD})
    with product.app_context():
        assert Workspace.select().count() == 0


def test_each_change_of_a_whole_journey_fires_its_signal_once(
    product, fired, browser, new_browser, mailbox
):
    browser.sign_up("ada@example.com")
    browser.confirm_link(mailbox.links(mailbox.last_to("ada@example.com"))[0])
    browser.submit("/profile", {"name": "Ada King", "image": ""})
    browser.submit(
        "/profile/email", {"new_email": "ada.king@example.org", "current_password": STRONG_PASSWORD}
    )
    browser.confirm_link(mailbox.links(mailbox.last_to("ada.king@example.org"))[0])
    browser.submit(
        "/profile/password",
        {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
    )
    browser.sign_out()
    browser.submit("/auth/forgot-password", {"email": "ada.king@example.org"})
    reset = mailbox.links(mailbox.last_to("ada.king@example.org"))[0]
    browser.submit(reset.removeprefix("http://localhost"), {"password": NEW_PASSWORD})
    browser.sign_in("ada.king@example.org", NEW_PASSWORD)
    browser.submit("/profile/delete", {"current_password": NEW_PASSWORD})

    assert names(fired) == [
        "user-signed-up",
        "email-verified",
        "user-signed-in",
        "flask-login-in",
        "profile-updated",
        "email-change-requested",
        "email-changed",
        "password-changed",
        "user-signed-out",
        "flask-login-out",
        "password-reset",
        "user-signed-in",
        "flask-login-in",
        "user-deleted",
    ]
    assert len({user_id for _, user_id in fired}) == 1


def test_changes_that_fail_fire_nothing(product, ada, fired, browser, new_browser, mailbox):
    weak = {"current_password": STRONG_PASSWORD, "new_password": "password"}
    assert browser.submit("/profile/password", weak).status_code == 422
    wrong = {"current_password": "not my password at all", "new_password": NEW_PASSWORD}
    assert browser.submit("/profile/password", wrong).status_code == 422
    assert browser.submit("/profile", {"name": "", "image": ""}).status_code == 422
    assert new_browser().confirm_link(DEAD_LINK).status_code == 400
    assert new_browser().sign_in("ada@example.com", "not my password at all").status_code == 422
    new_browser().sign_up("ada@example.com")  # taken: its owner is told, nothing changes
    assert fired == []


def test_a_link_confirmed_twice_at_once_fires_one_signal(product, fired, new_browser, mailbox):
    signed_up = new_browser()
    signed_up.sign_up("ada@example.com")
    link = mailbox.links(mailbox.last_to("ada@example.com"))[0]
    presses = [signed_up.ready_to_confirm(link), new_browser().ready_to_confirm(link)]
    run_at_once(*presses)
    assert names(fired).count("email-verified") == 1


def test_a_receiver_that_fails_is_logged_and_the_change_stands(product, browser, caplog):
    def broken(app, user, **extra):
        raise RuntimeError("the team's receiver broke")

    signals.user_signed_up.connect(broken, sender=product)
    try:
        assert browser.sign_up("ada@example.com").status_code == 303
    finally:
        signals.user_signed_up.disconnect(broken, sender=product)
    with product.app_context():
        assert User.by_email("ada@example.com") is not None
    assert "a receiver of user-signed-up failed" in caplog.text


def test_two_apps_in_one_process_keep_their_own_databases(tmp_path, app):
    from tests.conftest import make_app

    other = make_app(f"sqlite:///{tmp_path / 'other.db'}")
    with other.app_context():
        from flowpulse.core.migrations import apply_pending

        apply_pending()
        User.create(name="Only Here", email="only@other.example")
        db.close()
    with app.app_context():
        assert User.by_email("only@other.example") is None
        db.close()
    with other.app_context():
        assert User.by_email("only@other.example") is not None
        db.close()
        db.obj.close_all()


def test_the_second_factor_signals_fire_once_each(product, ada, fired, browser, monkeypatch):
    from flowpulse.core import totp
    from tests.two_factor_helpers import TotpClock, second_step, turn_on

    clock = TotpClock()
    monkeypatch.setattr(totp, "now", clock)
    _, codes = turn_on(browser)
    browser.sign_out()
    clock.next_step()
    clock.next_step()
    browser.sign_in("ada@example.com")
    second_step(browser, codes[0])
    browser.submit(
        "/profile/two-factor",
        {"current_password": STRONG_PASSWORD},
        action="/profile/two-factor/disable",
    )
    assert [name for name in names(fired) if "two-factor" in name or "recovery" in name] == [
        "two-factor-enabled",
        "recovery-code-used",
        "two-factor-disabled",
    ]


def test_the_products_sign_in_page_replaces_flowpulses_and_keeps_its_form(
    product, browser, ada_account
):
    page = browser.get("/auth/login").get_data(as_text=True)
    assert "<title>Sign in to your workspace · FlowPulse</title>" in page
    assert "Workspaces: one sign-in for every tool your team uses." in page
    # It extends FlowPulse's original ("flowpulse/auth/login.html"): the form is there and works.
    assert "Welcome back. Sign in to manage your account." in page
    assert browser.sign_in("ada@example.com").status_code == 303
    # A page the product did not override is FlowPulse's own.
    assert "Workspaces:" not in browser.get("/auth/signup").get_data(as_text=True)


def test_without_the_product_flowpulses_sign_in_page_is_served(app, client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "<title>Sign in · FlowPulse</title>" in page
    assert "Workspaces:" not in page


def test_the_products_reset_email_replaces_flowpulses_and_its_link_works(
    product, browser, ada_account, mailbox
):
    browser.submit("/auth/forgot-password", {"email": "ada@example.com"})
    message = mailbox.last_to("ada@example.com")
    text = mailbox.text(message)
    assert "Forgot your workspace password? Choose a new one here:" in text
    assert "Someone asked to reset the password" not in text
    # FlowPulse's layout, which it extends: its header and the reason it came.
    assert text.splitlines()[:2] == ["FlowPulse", "========="]
    assert "because of an action on the FlowPulse account" in text
    # The product replaced the text part only: the HTML part is FlowPulse's.
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Someone asked to reset the password of your FlowPulse account." in html
    [link] = mailbox.links(message)[:1]
    response = browser.submit(link.removeprefix("http://localhost"), {"password": NEW_PASSWORD})
    assert response.status_code == 303
    assert browser.sign_in("ada@example.com", NEW_PASSWORD).status_code == 303
