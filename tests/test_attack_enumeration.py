"""Attacks that tell registered addresses from unknown ones by the database work done.

Finding 4 of the outside review. The pages already answer alike; here the
SQL each request runs must be alike too (the same statement texts in the
same order; parameters aside), or response times and database load tell an
attacker which addresses have accounts. Only the statements of the
request's own thread count (the test client runs it in the test's thread).
Forgot-password and resend send mail only for accounts, so their two tests
can pass only once mail (and its token row) leaves the request path.
"""

from tests.attack_helpers import (
    WRONG_PASSWORD,
    form_poster,
)
from tests.browser import Browser
from tests.helpers import count_queries

KNOWN = "ada@example.com"
UNKNOWN = "nobody@example.com"


def sql_of(browser: Browser, form_page: str, data: dict, *, action: str | None = None):
    """Post a form; return its status and the SQL texts the request ran."""
    post = form_poster(browser, form_page)
    with count_queries() as statements:  # this thread's statements only
        response = post(data, action=action)
    return response.status_code, statements


def compare(new_browser, form_page: str, data_for, *, action: str | None = None):
    """Return (status, statements) for KNOWN and for UNKNOWN, each from a fresh browser."""
    sql_of(new_browser(), form_page, data_for("warm-up@example.com"), action=action)
    known = sql_of(new_browser(), form_page, data_for(KNOWN), action=action)
    unknown = sql_of(new_browser(), form_page, data_for(UNKNOWN), action=action)
    return known, unknown


def test_a_wrong_password_for_a_registered_address_runs_the_sql_of_an_unknown_address(
    make_user, new_browser
):
    """Sign-in answers 422 either way; the statements run must not tell that the
    address has an account (today the known one also reads its password account)."""
    make_user(KNOWN)
    known, unknown = compare(
        new_browser, "/auth/login", lambda email: {"email": email, "password": WRONG_PASSWORD}
    )
    assert known[0] == unknown[0] == 422
    assert known[1] == unknown[1]


def test_forgot_password_for_a_registered_address_runs_the_sql_of_an_unknown_address(
    make_user, new_browser
):
    """Forgot-password answers alike; the statements (today: the reset token's
    DELETE and INSERT for a known address only) must be alike too."""
    make_user(KNOWN)
    known, unknown = compare(new_browser, "/auth/forgot-password", lambda email: {"email": email})
    assert known[0] == unknown[0] == 303
    assert known[1] == unknown[1]


def test_resend_for_an_unverified_address_runs_the_sql_of_an_unknown_address(
    make_user, new_browser
):
    """The signed-out "send a new link" form answers alike; the statements (today:
    a token lookup, DELETE and INSERT for a waiting account only) must be alike too."""
    make_user(KNOWN, verified=False)
    known, unknown = compare(
        new_browser, "/auth/login", lambda email: {"email": email}, action="/verify/resend"
    )
    assert known[0] == unknown[0] == 303
    assert known[1] == unknown[1]
