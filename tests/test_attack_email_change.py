"""Attacks on the email change: a pending change must not outlive the owner's recovery.

Findings 1, 7 and 11 of the outside review. Someone who learnt the password
asks /profile/email to move the account to their own address; whatever the
owner then does to take the account back must kill that link, and applying
a change must end what the old address could still do.
"""

import pytest

from flowpulse.core.models import Verification
from tests.attack_helpers import (
    NEW_PASSWORD,
    RESET_LINK,
    TableGate,
    ask_for_email_change,
    ask_for_reset,
    links_to,
    newest_link,
    ready_to_post,
    set_password_with_link,
    signed_in_browser,
    signs_in,
    use_link,
    verification_rows_of,
)
from tests.browser import STRONG_PASSWORD, csrf_token_in
from tests.helpers import run_at_once
from tests.mailbox import Mailbox

ADA = "ada@example.com"
ATTACKER = "attacker@evil.example"
NEW_ADDRESS = "ada.king@example.org"
#: Browsers asking at once for a change (each to its own free address).
CROWD = 2

RECOVERIES = [
    "password-reset",
    "password-change-signing-out-other-devices",
    "password-change-keeping-other-devices",
    "operator-set-password",
]


@pytest.fixture
def ada(make_user, browser):
    """Ada's verified account, signed in on ``browser``."""
    user = make_user(ADA, name="Ada Lovelace")
    assert browser.sign_in(ADA).status_code == 303
    return user


def recover(how: str, new_browser, mailbox, runner) -> None:
    """The owner takes the account back by choosing the new password ``NEW_PASSWORD``."""
    if how == "password-reset":
        owner = new_browser()
        assert ask_for_reset(owner, ADA).status_code == 303
        reset = newest_link(mailbox, ADA, RESET_LINK)
        assert set_password_with_link(owner, reset).status_code == 303
    elif how == "operator-set-password":
        result = runner.invoke(args=["users", "set-password", ADA, "--password", NEW_PASSWORD])
        assert result.exit_code == 0, result.output
    else:
        owner = signed_in_browser(new_browser, ADA)
        form = {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}
        if how == "password-change-signing-out-other-devices":
            form["revoke_other_sessions"] = "y"
        assert owner.submit("/profile/password", form).status_code == 303
    assert signs_in(new_browser, ADA, NEW_PASSWORD)


def apply_change(browser, mailbox, user_row, new_email: str = NEW_ADDRESS) -> None:
    """Ask for a change to ``new_email`` and open its link in the same browser."""
    assert ask_for_email_change(browser, new_email).status_code == 303
    use_link(browser, newest_link(mailbox, new_email))
    assert user_row(new_email) is not None, "the email change was not applied"


@pytest.mark.parametrize("recovery", RECOVERIES)
def test_a_pending_email_change_link_dies_when_the_owner_recovers_the_account(
    ada, new_browser, mailbox, runner, user_row, recovery
):
    """An attacker who knows the password asks to move the account to their address;
    after the owner's recovery, opening that link must not hand them the account."""
    attacker = signed_in_browser(new_browser, ADA)
    assert ask_for_email_change(attacker, ATTACKER).status_code == 303
    link = newest_link(mailbox, ATTACKER)

    recover(recovery, new_browser, mailbox, runner)
    response = use_link(attacker, link)

    assert user_row(ATTACKER) is None, "the attacker's link moved the account to their address"
    assert user_row(ADA).id == ada.id
    assert response.status_code == 400


def test_applying_an_email_change_discards_the_users_other_outstanding_links(
    app, ada, browser, new_browser, mailbox, user_row
):
    """A reset link mailed to the old address before the change is one of the old
    address's powers; applying the change must delete every such row."""
    assert ask_for_reset(new_browser(), ADA).status_code == 303
    assert ask_for_email_change(browser, NEW_ADDRESS).status_code == 303
    outstanding = {row.id for row in verification_rows_of(app, ada.id)}
    assert len(outstanding) == 2  # the reset link and the change link

    use_link(browser, newest_link(mailbox, NEW_ADDRESS))

    assert user_row(NEW_ADDRESS) is not None
    left = {row.id for row in verification_rows_of(app, ada.id)} & outstanding
    assert not left, "links issued before the change still live in the verification table"


def test_a_reset_link_mailed_to_the_old_address_is_refused_after_an_email_change(
    ada, browser, new_browser, mailbox, user_row
):
    """Whoever reads the old mailbox keeps a reset link that, once the account has
    moved to a new address, must no longer set its password."""
    assert ask_for_reset(new_browser(), ADA).status_code == 303
    reset = newest_link(mailbox, ADA, RESET_LINK)
    apply_change(browser, mailbox, user_row)

    old_mailbox_reader = new_browser()
    opened = old_mailbox_reader.get(reset)
    token = csrf_token_in(old_mailbox_reader.get("/auth/login").get_data(as_text=True))
    posted = old_mailbox_reader.client.post(
        reset, data={"password": NEW_PASSWORD, "csrf_token": token}
    )

    assert not signs_in(new_browser, NEW_ADDRESS, NEW_PASSWORD), "the old reset link set it"
    assert signs_in(new_browser, NEW_ADDRESS, STRONG_PASSWORD)
    assert (opened.status_code, posted.status_code) == (400, 400)


def test_an_operator_deleting_an_account_leaves_no_verification_row_of_it(
    app, ada, browser, new_browser, runner
):
    """``flask users delete`` removes the user; its pending reset and change links
    must go with it, not stay behind as rows naming a deleted account."""
    assert ask_for_reset(new_browser(), ADA).status_code == 303
    assert ask_for_email_change(browser, NEW_ADDRESS).status_code == 303
    assert len(verification_rows_of(app, ada.id)) == 2

    result = runner.invoke(args=["users", "delete", ADA, "--yes"])

    assert result.exit_code == 0, result.output
    assert verification_rows_of(app, ada.id) == []


def test_applying_an_email_change_signs_out_the_users_other_devices(
    ada, browser, new_browser, mailbox, user_row
):
    """A thief's signed-in session must not ride along into the moved account."""
    other_device = signed_in_browser(new_browser, ADA)
    apply_change(browser, mailbox, user_row)

    response = other_device.get("/profile")

    assert response.status_code == 303, "another device is still signed in after the change"
    assert response.headers["Location"].startswith("/auth/login")


def test_applying_an_email_change_tells_the_old_address_it_was_changed(
    ada, browser, mailbox, user_row
):
    """The old address hears only that a change was asked for; once it is applied
    the owner must be told too, or a silent takeover goes unnoticed."""
    assert ask_for_email_change(browser, NEW_ADDRESS).status_code == 303
    link = newest_link(mailbox, NEW_ADDRESS)
    mailed_before = len(mailbox.to(ADA))

    use_link(browser, link)

    assert user_row(NEW_ADDRESS) is not None
    told = mailbox.to(ADA)[mailed_before:]
    assert told, "nothing was mailed to the old address when the change was applied"
    assert any(NEW_ADDRESS in Mailbox.text(message) for message in told)


def test_simultaneous_email_changes_leave_at_most_one_live_link(
    app, engine, database_url, ada, new_browser, mailbox, user_row
):
    """Requests at the same moment each replace "the" pending change; they must not
    each leave a live link behind (on PostgreSQL each DELETE misses the others' rows)."""
    targets = [f"new{number}@example.org" for number in range(CROWD)]
    browsers = [signed_in_browser(new_browser, ADA) for _ in targets]
    posts = [
        ready_to_post(b, "/profile/email", {"new_email": t, "current_password": STRONG_PASSWORD})
        for b, t in zip(browsers, targets, strict=True)
    ]

    if engine == "postgresql":
        gate = TableGate(database_url, "verification", len(posts))
        _, *responses = run_at_once(gate.release_when_all_wait, *map(gate.counted, posts))
    else:  # SQLite has one writer at a time: a plain race is the whole story
        responses = run_at_once(*posts)

    assert [r.status_code for r in responses] == [303] * CROWD
    with app.app_context():
        changes = Verification.select().where(Verification.identifier == f"change-email:{ada.id}")
        assert changes.count() <= 1, f"{changes.count()} change-email links live for one account"
    applied = []
    for browser, target in zip(browsers, targets, strict=True):
        # A request whose mail had not gone out when the other came may send
        # none at all: the later request replaced it.
        for link in links_to(mailbox, target):
            use_link(browser, link)
        if user_row(target) is not None:
            applied.append(target)
    assert len(applied) <= 1, f"both links were applied, one after the other: {applied}"
