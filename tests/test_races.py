"""Races: many browsers doing one thing at the same moment.

Each test starts 8-12 threads together (``run_at_once``), each with its own
test client, on the same row: one link, one address, one session. Where one
winner is expected there is exactly one, the others get a clean refusal, no
request gets a 5xx, and afterwards the database keeps the data model's rules.

The same races for sign-up and for the password-reset link live beside their
features: ``tests/test_signup.py`` and ``tests/test_password_reset.py``.
Every race runs on SQLite too: WAL, a busy timeout and ``BEGIN IMMEDIATE``
make its writers wait their turn, where PostgreSQL's row and index locks do.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

import pytest

from flowpulse.core.models import Session, User
from flowpulse.core.tokens import digest
from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME
from tests.browser import STRONG_PASSWORD, Browser
from tests.helpers import database_problems, run_at_once
from tests.mailbox import Mailbox

EMAIL = "ada@example.com"
SHARED_ADDRESS = "shared@example.org"
#: Threads in a race: enough to collide on every engine, few enough for CI.
CROWD = 12
#: Pages the tabs of a revoked browser keep opening (each also writes the session row).
TAB_PAGES = ["/profile", "/profile/sessions", "/profile/email", "/profile/avatar.svg"]


def statuses(responses) -> list[int]:
    return [response.status_code for response in responses]


def opening(browser: Browser, path: str):
    """Return a call that opens ``path`` in ``browser`` (for ``run_at_once``)."""
    return lambda: browser.get(path)


def audit_events(caplog, event: str) -> list[str]:
    """Return the ``flowpulse.audit`` lines of one event, from every thread."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "flowpulse.audit" and record.getMessage().split()[0] == event
    ]


def assert_database_is_consistent(app) -> None:
    problems = database_problems(app)
    assert not problems, "\n".join(problems)


def signed_in(new_browser, email: str = EMAIL) -> Browser:
    browser = new_browser()
    assert browser.sign_in(email).status_code == 303
    return browser


def session_id_of(app, browser: Browser) -> str:
    with app.app_context():
        return Session.get(Session.token == digest(browser.session_cookie.value)).id


def sessions_of(app, email: str) -> list[Session]:
    with app.app_context():
        return list(Session.select().join(User).where(User.email == email))


def link_to(mailbox: Mailbox, address: str, path: str) -> list[str]:
    """Return the paths of every emailed link to ``address`` under ``path``, oldest first."""
    links = [link for message in mailbox.to(address) for link in Mailbox.links(message)]
    return [urlsplit(link).path for link in links if urlsplit(link).path.startswith(path)]


@pytest.fixture
def audit_log(caplog):
    caplog.set_level(logging.INFO, logger="flowpulse.audit")
    return caplog


def test_one_verification_link_confirmed_in_many_browsers_at_once_verifies_exactly_once(
    app, new_browser, mailbox, user_row, audit_log
):
    signed_up = new_browser()
    assert signed_up.sign_up(EMAIL).status_code == 303
    [link] = link_to(mailbox, EMAIL, "/verify/email/")
    # The sign-up browser and strangers who were sent the link, all pressing at once.
    browsers = [signed_up] + [new_browser() for _ in range(CROWD - 1)]
    presses = [browser.ready_to_confirm(link) for browser in browsers]

    responses = run_at_once(*presses)

    assert sorted(statuses(responses)) == [303] + [400] * (CROWD - 1)
    [winner] = [b for b, r in zip(browsers, responses, strict=True) if r.status_code == 303]
    # Only the browser that signed up may be signed in by the link.
    expected = "/profile" if winner is signed_up else "/auth/login"
    assert responses[browsers.index(winner)].headers["Location"] == expected
    assert [b.is_signed_in() for b in browsers].count(True) == (winner is signed_up)
    assert len(sessions_of(app, EMAIL)) == (winner is signed_up)
    assert user_row(EMAIL).email_verified
    assert len(audit_events(audit_log, "email.verified")) == 1
    assert_database_is_consistent(app)


@pytest.mark.parametrize("app_config", [{"AUTH_SESSION_UPDATE_AGE": 0}])
def test_a_session_revoked_while_its_tabs_are_busy_is_served_or_signed_out_never_a_500(
    app, make_user, new_browser
):
    # AUTH_SESSION_UPDATE_AGE 0: every request of a tab also writes its session
    # row (last active, expiry), so the revoke's DELETE meets those UPDATEs.
    make_user(EMAIL)
    laptop, phone = signed_in(new_browser), signed_in(new_browser)
    laptop_session = session_id_of(app, laptop)
    tabs = [new_browser() for _ in range(CROWD - 1)]
    for tab in tabs:  # the laptop's other tabs share its cookie
        tab.client.set_cookie(PLAIN_COOKIE_NAME, laptop.session_cookie.value)
    post_revoke = phone.ready_to_submit(
        "/profile/sessions", {}, action=f"/profile/sessions/{laptop_session}/revoke"
    )
    tabs_in_use, revoked = threading.Semaphore(0), threading.Event()

    def revoke():
        for _ in tabs:  # every tab is busy before the revoke starts
            assert tabs_in_use.acquire(timeout=30)
        response = post_revoke()
        revoked.set()
        return response

    def keep_using(tab: Browser):
        """Open pages until three have been answered after the revoke returned."""

        def run():
            during, after, busy = [], [], False
            deadline = time.monotonic() + 30
            while len(after) < 3 and time.monotonic() < deadline:
                done = revoked.is_set()
                response = tab.get(TAB_PAGES[len(during + after) % len(TAB_PAGES)])
                (after if done else during).append(response)
                if not busy and (len(during) == 2 or response.status_code != 200):
                    tabs_in_use.release()
                    busy = True
                if response.status_code != 200:
                    revoked.wait(timeout=30)  # signed out: wait for the revoke to return
            return during, after

        return run

    revoke_response, *per_tab = run_at_once(revoke, *[keep_using(tab) for tab in tabs])

    assert revoke_response.status_code == 303
    assert revoke_response.headers["Location"] == "/profile/sessions"
    for during, after in per_tab:
        codes = statuses(during)
        assert set(codes) <= {200, 303}, codes
        assert codes[:2] == [200, 200], codes  # served while the session lived
        # Once a tab is signed out it stays out: no page is served after a 303.
        signed_out_at = codes.index(303) if 303 in codes else len(codes)
        assert set(codes[signed_out_at:]) <= {303}, codes
        assert statuses(after) == [303, 303, 303], "a tab was served after the revoke"
        for response in during + after:
            if response.status_code == 303:
                assert response.headers["Location"].startswith("/auth/login?next=")
    assert not laptop.is_signed_in()
    assert phone.is_signed_in()
    assert [row.id for row in sessions_of(app, EMAIL)] == [session_id_of(app, phone)]
    assert_database_is_consistent(app)


@pytest.fixture
def crowd_asking_for_one_address(app, make_user, new_browser, mailbox):
    """Eight accounts, each asking to move to one free address: each holds a link."""
    people = []
    for number in range(8):
        email = f"person{number}@example.com"
        make_user(email, name=f"Person {number}")
        browser = signed_in(new_browser, email)
        response = browser.submit(
            "/profile/email", {"new_email": SHARED_ADDRESS, "current_password": STRONG_PASSWORD}
        )
        assert response.status_code == 303
        people.append((email, browser))
    links = link_to(mailbox, SHARED_ADDRESS, "/verify/email/")
    assert len(links) == len(people)  # one link each, in the order they asked
    return [(email, browser, link) for (email, browser), link in zip(people, links, strict=True)]


def test_links_moving_many_accounts_to_one_address_confirmed_at_once_move_exactly_one(
    app, crowd_asking_for_one_address, user_row, audit_log
):
    people = crowd_asking_for_one_address
    ids = {email: user_row(email).id for email, _, _ in people}

    responses = run_at_once(*[browser.ready_to_confirm(link) for _, browser, link in people])

    assert sorted(statuses(responses)) == [303] + [400] * (len(people) - 1)
    for (email, _, _), response in zip(people, responses, strict=True):
        if response.status_code == 303:
            winner = email
            assert response.headers["Location"] == "/profile"
        else:
            assert "can no longer be used" in response.get_data(as_text=True)
    moved = user_row(SHARED_ADDRESS)
    assert moved.id == ids[winner]
    assert moved.email_verified
    for email, _, _ in people:
        assert (user_row(email) is None) == (email == winner)
    with app.app_context():
        assert User.select().where(User.email == SHARED_ADDRESS).count() == 1
        assert User.select().count() == len(people)
    assert len(audit_events(audit_log, "email-change.applied")) == 1
    assert_database_is_consistent(app)


#: Sign-ins of one address checked at once: each is counted before its password is.
ADDRESS_LIMIT = 5


def test_many_browsers_signing_in_as_one_person_at_once_each_get_their_own_session(
    app, make_user, new_browser, audit_log
):
    make_user(EMAIL)
    browsers = [new_browser() for _ in range(ADDRESS_LIMIT)]
    form = {"email": EMAIL, "password": STRONG_PASSWORD}
    posts = [browser.ready_to_submit("/auth/login", form) for browser in browsers]

    responses = run_at_once(*posts)

    assert statuses(responses) == [303] * ADDRESS_LIMIT
    cookies = [browser.session_cookie.value for browser in browsers]
    assert len(set(cookies)) == ADDRESS_LIMIT
    rows = sessions_of(app, EMAIL)
    assert len(rows) == ADDRESS_LIMIT
    assert {row.token for row in rows} == {digest(cookie) for cookie in cookies}
    assert all(browser.is_signed_in() for browser in browsers)
    assert len(audit_events(audit_log, "sign-in.succeeded")) == ADDRESS_LIMIT
    assert_database_is_consistent(app)
    # Successful sign-ins gave their attempts back: the address is not locked.
    assert new_browser().sign_in(EMAIL).status_code == 303


def test_more_sign_ins_of_one_address_at_once_than_its_limit_are_asked_to_wait(
    app, make_user, new_browser
):
    make_user(EMAIL)
    browsers = [new_browser() for _ in range(CROWD)]
    form = {"email": EMAIL, "password": STRONG_PASSWORD}
    responses = run_at_once(*[b.ready_to_submit("/auth/login", form) for b in browsers])
    # Never more checked at once than the limit, whether the password is right or not.
    assert statuses(responses).count(303) <= ADDRESS_LIMIT
    assert set(statuses(responses)) <= {303, 429}
    assert len(sessions_of(app, EMAIL)) == statuses(responses).count(303)
    assert_database_is_consistent(app)
