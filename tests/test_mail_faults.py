"""The mail server refusing or hanging: pages answer at once, the mail waits, no 500.

No page waits on SMTP: mail is queued with its change and a worker delivers
it, retrying with backoff (``tests/test_mail_queue.py`` covers delivery).
"""

import time

import pytest

from flowpulse.core.models import MailMessage, User
from tests.browser import STRONG_PASSWORD
from tests.helpers import flashed_messages, main_text
from tests.mail_queue import scheduled_jobs
from tests.smtp_faults import Refuses, Silent, start_smtp

#: Seconds the app waits for a silent SMTP server in these tests.
MAIL_TIMEOUT = 1


@pytest.fixture(params=["refusing", "silent"])
def broken_mail_server(request):
    """The port of an SMTP server that never delivers."""
    if request.param == "refusing":
        controller, port = start_smtp(Refuses())
        yield port
        controller.stop()
    else:
        silent = Silent()
        yield silent.port
        silent.close()


@pytest.fixture
def app(app, broken_mail_server):
    app.config.update(MAIL_PORT=broken_mail_server, MAIL_TIMEOUT=MAIL_TIMEOUT)
    return app


def _timed(action):
    started = time.monotonic()
    response = action()
    return response, time.monotonic() - started


def _waiting_mail(app) -> list[MailMessage]:
    with app.app_context():
        return list(MailMessage.select().where(MailMessage.status == "pending"))


def test_sign_up_keeps_the_account_and_its_mail_waits_for_a_retry(app, browser):
    response = browser.sign_up("ada@example.com")
    assert response.status_code == 303
    with app.app_context():
        assert User.by_email("ada@example.com") is not None
    assert "Check your inbox" in main_text(browser.get(response.headers["Location"]))
    # The worker's attempt failed; the message waits for its next one.
    (waiting,) = _waiting_mail(app)
    assert (waiting.kind, waiting.attempts) == ("verify_email", 1)
    assert waiting.last_error
    assert waiting.next_attempt_at > waiting.created_at
    # Its retry is scheduled (beside the look a dead worker would have needed).
    assert {task.args for task in scheduled_jobs(app)} == {(waiting.id,)}


def test_a_taken_address_gets_the_same_answer_when_mail_fails(app, browser, make_user):
    make_user("ada@example.com")
    response = browser.sign_up("ada@example.com")
    assert response.status_code == 303
    assert "Check your inbox" in main_text(browser.get(response.headers["Location"]))
    assert [m.kind for m in _waiting_mail(app)] == ["already_registered"]


def test_forgot_password_answers_as_usual_when_mail_fails(app, browser, make_user):
    make_user("ada@example.com")
    response, seconds = _timed(
        lambda: browser.submit("/auth/forgot-password", {"email": "ada@example.com"})
    )
    assert response.status_code == 303
    assert seconds < MAIL_TIMEOUT + 3
    (message,) = flashed_messages(browser.get(response.headers["Location"]))
    assert "If an account uses that address" in message


def test_resend_and_sign_in_of_an_unverified_account_do_not_500_when_mail_fails(
    app, browser, make_user
):
    make_user("ada@example.com", verified=False)
    resend = browser.submit("/auth/login", {"email": "ada@example.com"}, action="/verify/resend")
    assert resend.status_code == 303
    assert browser.sign_in("ada@example.com", STRONG_PASSWORD).status_code == 403
