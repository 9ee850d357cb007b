"""How many SQL statements the hot pages cost: fixed numbers, whatever the data.

Counted with peewee's statement log (``tests.helpers.count_queries``) around
one request, on SQLite and PostgreSQL alike. The benchmark (``make bench``)
times these pages; this module pins down the work behind the timings.
"""

import re

from flowpulse.core.models import User
from flowpulse.services.sessions import start_session
from tests.browser import STRONG_PASSWORD
from tests.helpers import count_queries

#: A "sign out this device" form's action on the sessions page: one per device.
REVOKE_ACTION = re.compile(r'action="/profile/sessions/[\w-]+/revoke"')

EMAIL = "ada@example.com"


def statement_kinds(statements: list[str]) -> list[str]:
    """Name each statement by its verb and first table: ``SELECT session``."""
    kinds = []
    for sql in statements:
        verb = sql.split(None, 1)[0].upper()
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.I)
        kinds.append(f"{verb} {table.group(1) if table else '?'}")
    return kinds


def test_a_signed_in_profile_page_costs_one_query_when_no_refresh_is_due(browser, make_user):
    make_user(EMAIL)
    assert browser.sign_in(EMAIL).status_code == 303
    # Just signed in: the row is younger than AUTH_SESSION_UPDATE_AGE, so
    # nothing is written back.
    with count_queries() as statements:
        response = browser.get("/profile")
    assert response.status_code == 200
    assert len(statements) == 1, statements
    # The one query finds the session by token digest and joins its user.
    assert statement_kinds(statements) == ["SELECT session"]
    assert re.search(r'JOIN "user"', statements[0]), statements[0]


def test_signing_in_costs_four_statements(browser, make_user):
    make_user(EMAIL)
    credentials = {"email": EMAIL, "password": STRONG_PASSWORD}
    post_sign_in = browser.ready_to_submit("/auth/login", credentials)
    with count_queries() as statements:
        response = post_sign_in()
    assert response.status_code == 303
    assert len(statements) == 4, statements
    # 1. the user by normalised email joined to their password account (the
    # same statement an unknown address runs), 2. once the password is right,
    # whether a second step follows, 3. the new session row, 4. the account's
    # oldest sessions past AUTH_MAX_SESSIONS end (one indexed DELETE). Hashing
    # happens between 1 and 2, in Python.
    kinds = ["SELECT user", "SELECT two_factor", "INSERT session", "DELETE session"]
    assert statement_kinds(statements) == kinds
    assert re.search(r'JOIN "account"', statements[0]), statements[0]


def test_the_sessions_page_costs_the_same_queries_for_one_or_ten_devices(app, browser, make_user):
    user = make_user(EMAIL)
    assert browser.sign_in(EMAIL).status_code == 303
    with count_queries() as one_device:
        page = browser.get("/profile/sessions").get_data(as_text=True)
    assert len(REVOKE_ACTION.findall(page)) == 1

    with app.app_context():
        for n in range(9):
            start_session(
                User.get_by_id(user.id), remember=False, ip_address=f"10.0.0.{n}", user_agent=None
            )
    with count_queries() as ten_devices:
        page = browser.get("/profile/sessions").get_data(as_text=True)

    assert len(REVOKE_ACTION.findall(page)) == 10
    assert len(ten_devices) == len(one_device), ten_devices
    # 1. the browser's session joined with its user (current_user),
    # 2. every live session of that user, in one query.
    assert statement_kinds(ten_devices) == ["SELECT session", "SELECT session"]
