"""Right passwords are bounded too: every check costs an Argon2 verification.

An outside attack made 123 sign-ins with one free account's right password
in 8 seconds (each an Argon2 verification and a new session row), slowing a
stranger's sign-in from 73 to 173 ms: successes were refunded and nothing
else bounded them.
"""

from flowpulse.core.models import Session
from flowpulse.web.ratelimit import PASSWORD_CHECKS_PER_EMAIL

ADA = "ada@example.com"
ALLOWED = int(PASSWORD_CHECKS_PER_EMAIL.split()[0])


def test_right_passwords_of_one_account_are_bounded_however_right(app, new_browser, ada_account):
    answers = [new_browser().sign_in(ADA).status_code for _ in range(ALLOWED + 1)]
    assert answers == [303] * ALLOWED + [429]


def test_posts_to_pages_that_ask_for_the_password_spend_the_same_checks(
    app, new_browser, ada_account
):
    """A stolen session re-entering passwords bounds the account's sign-ins too."""
    person = new_browser()
    assert person.sign_in(ADA).status_code == 303
    for _ in range(ALLOWED - 1):
        # No password typed: nothing is deleted, and the post is counted all the same.
        assert person.submit("/profile/delete", {"current_password": ""}).status_code == 422
    assert person.submit("/profile/delete", {"current_password": ""}).status_code == 429
    assert new_browser().sign_in(ADA).status_code == 429


def test_an_account_keeps_at_most_its_newest_sessions(app, new_browser, ada_account):
    app.config["AUTH_MAX_SESSIONS"] = 3
    people = [new_browser() for _ in range(5)]
    for person in people:
        assert person.sign_in(ADA).status_code == 303
    with app.app_context():
        assert Session.select().where(Session.user == ada_account.id).count() == 3
    assert [person.is_signed_in() for person in people] == [False, False, True, True, True]
