"""Mail through the real queue: worker threads on SQLite and Redis storage, the real SMTP server.

Unlike the rest of the suite (whose queue runs before each test client call
returns), these tests run Huey's own consumer in worker threads, as every
serving process does, and wait for the mail to arrive.
"""

import json
import logging
import os
import time
import uuid

import pytest
from flask.testing import FlaskClient
from huey import RedisHuey

from flowpulse.core.database import db, transaction
from flowpulse.core.models import MailMessage
from flowpulse.core.models import mail as kinds
from flowpulse.services import mail_outbox
from flowpulse.services.messages import queue_notice
from flowpulse.services.password_reset import request_password_reset
from flowpulse.tasks import worker
from flowpulse.tasks.queue import build_queue
from tests.browser import STRONG_PASSWORD, Browser
from tests.conftest import make_app
from tests.helpers import wait_until
from tests.mail_queue import deliver_queued
from tests.smtp_faults import Refuses, Silent, start_smtp

#: A Redis server for the shared-storage half (CI sets it).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")

STORAGES = [
    "sqlite",
    pytest.param(
        "redis", marks=pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
    ),
]


@pytest.fixture(params=STORAGES)
def storage(request, tmp_path) -> dict:
    """The queue's settings on one storage; a private name keeps Redis tests apart."""
    url = f"sqlite:///{tmp_path / 'tasks.db'}" if request.param == "sqlite" else TEST_REDIS_URL
    return {"TASK_QUEUE_URL": url, "TASK_QUEUE_NAME": f"test-{uuid.uuid4().hex[:12]}"}


@pytest.fixture
def app_config(storage):
    return {**storage, "MAIL_TIMEOUT": 1, "MAIL_RETRY_AFTER": 0.3}


@pytest.fixture
def working(app):
    """The app with worker threads of its own (and plain test clients that do not deliver)."""
    app.test_client_class = FlaskClient
    worker.start(app)
    yield app
    worker.stop(app)
    huey = app.extensions["flowpulse.tasks"].huey
    huey.flush()


@pytest.fixture
def person(working) -> Browser:
    return Browser(working.test_client())


def messages(app, **where) -> list[MailMessage]:
    with app.app_context():
        query = MailMessage.select()
        for field, value in where.items():
            query = query.where(getattr(MailMessage, field) == value)
        found = list(query)
        db.close()
    return found


def test_every_mail_of_a_journey_arrives_through_the_worker(working, person, mailbox):
    person.sign_up("ada@example.com")
    [verify] = mailbox.wait_for("ada@example.com")
    assert person.confirm_link(mailbox.links(verify)[0]).status_code == 303
    person.submit(
        "/profile/email",
        {"new_email": "ada.king@example.org", "current_password": STRONG_PASSWORD},
    )
    [change] = mailbox.wait_for("ada.king@example.org")
    mailbox.wait_for("ada@example.com", 2)  # the notice to the current address
    person.confirm_link(mailbox.links(change)[0])
    mailbox.wait_for("ada@example.com", 3)  # "your address was changed"
    person.sign_out()
    person.submit("/auth/forgot-password", {"email": "ada.king@example.org"})
    [reset] = mailbox.wait_for("ada.king@example.org", 2)[1:]
    assert "/auth/reset-password/" in mailbox.text(reset)
    wait_until(lambda: all(m.status == "sent" for m in messages(working)))


def test_every_message_carries_a_message_id_of_this_site(working, person, mailbox):
    person.sign_up("ada@example.com")
    [message] = mailbox.wait_for("ada@example.com")
    [row] = messages(working)
    assert message["Message-ID"] == f"<{row.id}@localhost>"


def test_a_refusing_server_then_recovering_gets_the_message_delivered_once(
    working, person, mailbox
):
    refusing, port = start_smtp(Refuses())
    good_port = working.config["MAIL_PORT"]
    working.config["MAIL_PORT"] = port
    try:
        person.sign_up("ada@example.com")
        wait_until(lambda: messages(working)[0].attempts >= 2)  # refused, retried, refused
        assert mailbox.to("ada@example.com") == []
    finally:
        working.config["MAIL_PORT"] = good_port
        refusing.stop()
    mailbox.wait_for("ada@example.com")
    wait_until(lambda: messages(working)[0].status == "sent")
    time.sleep(1)  # any duplicate would have arrived by now
    assert len(mailbox.to("ada@example.com")) == 1


def test_a_stalled_server_holds_up_no_page_and_the_mail_arrives_after_recovery(
    working, person, mailbox
):
    silent = Silent()
    good_port = working.config["MAIL_PORT"]
    working.config["MAIL_PORT"] = silent.port
    try:
        started = time.monotonic()
        assert person.sign_up("ada@example.com").status_code == 303
        # The page never waited on SMTP: well inside one MAIL_TIMEOUT.
        assert time.monotonic() - started < 1
        wait_until(lambda: messages(working)[0].last_error is not None)
    finally:
        working.config["MAIL_PORT"] = good_port
        silent.close()
    mailbox.wait_for("ada@example.com")


def test_a_change_rolled_back_queues_no_mail_and_asks_no_worker(app, make_user):
    user = make_user()
    huey = app.extensions["flowpulse.tasks"].huey
    with app.app_context():
        with pytest.raises(RuntimeError), transaction():
            queue_notice(kinds.PASSWORD_CHANGED, user)
            raise RuntimeError("the change failed after its mail was queued")
        assert MailMessage.select().count() == 0
    assert huey.pending_count() == 0


def test_the_worker_is_asked_only_once_the_change_commits(app, make_user):
    user = make_user()
    huey = app.extensions["flowpulse.tasks"].huey
    with app.app_context(), transaction():
        queue_notice(kinds.PASSWORD_CHANGED, user)
        assert huey.pending_count() == 0  # not before the commit
    assert huey.pending_count() == 1


def test_a_message_whose_ask_was_lost_is_found_by_the_sweep(app, make_user, mailbox, monkeypatch):
    # The crash window: the change (and its message) committed, the ask for
    # delivery never reached the queue.
    user = make_user()
    monkeypatch.setattr(mail_outbox, "_ask_for_delivery", lambda *ask: None)
    with app.app_context():
        queue_notice(kinds.PASSWORD_CHANGED, user)
    assert mailbox.to("ada@example.com") == []
    jobs = app.extensions["flowpulse.tasks"]
    jobs.sweep_outbox.call_local()  # what the every-minute job runs
    deliver_queued(app)
    assert [m["Subject"] for m in mailbox.to("ada@example.com")] == ["Your password was changed"]


#: Notices one account queued before a stranger asked for a reset link.
BACKLOG = 60
#: How many messages may reach the SMTP server before the link does: those the
#: other worker threads had in hand, and a margin; far fewer than the backlog.
FIRST_FEW = 5


def test_a_strangers_reset_link_overtakes_one_accounts_backlog_of_notices(app, make_user, mailbox):
    busy = make_user("busy@example.com", name="Busy Bee")
    make_user("grace@example.com", name="Grace Hopper")
    with app.app_context():
        for n in range(BACKLOG):
            # Each says something else (another passkey), so none is merged away.
            queue_notice(kinds.PASSKEY_ADDED, busy, passkey=f"Key {n}")
        request_password_reset("grace@example.com")
        db.close()
    app.test_client_class = FlaskClient
    worker.start(app)  # the backlog is waiting when the workers start
    try:
        mailbox.wait_for("busy@example.com", BACKLOG, timeout=120)
        mailbox.wait_for("grace@example.com")
    finally:
        worker.stop(app)
        app.extensions["flowpulse.tasks"].huey.flush()
    arrived = [str(message["To"]) for message in mailbox.messages]
    assert arrived.index("grace@example.com") < FIRST_FEW


def test_the_sweep_asks_for_link_mail_before_notices(app, make_user, monkeypatch):
    # Rows whose ask was lost, notices first: the sweep re-asks the link first.
    busy = make_user("busy@example.com", name="Busy Bee")
    make_user("grace@example.com", name="Grace Hopper")
    monkeypatch.setattr(mail_outbox, "_ask_for_delivery", lambda *ask: None)
    with app.app_context():
        for n in range(5):
            queue_notice(kinds.PASSKEY_ADDED, busy, passkey=f"Key {n}")
        request_password_reset("grace@example.com")
        [reset] = MailMessage.select().where(MailMessage.kind == kinds.RESET_PASSWORD)
        assert mail_outbox.due_messages()[0].message_id == reset.id
        db.close()
    jobs = app.extensions["flowpulse.tasks"]
    jobs.sweep_outbox.call_local()
    first = jobs.huey.dequeue()
    assert first.args == (reset.id,)


def test_identical_notices_to_one_person_while_one_waits_make_one_message(app, make_user, mailbox):
    user = make_user()
    with app.app_context():
        for _ in range(20):
            queue_notice(kinds.RECOVERY_CODES_RENEWED, user)
        db.close()
    deliver_queued(app)
    assert [m["Subject"] for m in mailbox.to("ada@example.com")] == ["You have new recovery codes"]
    assert len(messages(app)) == 1


def test_a_notice_that_went_out_does_not_swallow_the_next_one(app, make_user, mailbox):
    user = make_user()
    for _ in range(2):
        with app.app_context():
            queue_notice(kinds.RECOVERY_CODES_RENEWED, user)
            db.close()
        deliver_queued(app)
    assert len(mailbox.to("ada@example.com")) == 2


def test_notices_that_say_different_things_are_not_merged(app, make_user, mailbox):
    user = make_user()
    with app.app_context():
        queue_notice(kinds.PASSKEY_ADDED, user, passkey="My phone")
        queue_notice(kinds.PASSKEY_ADDED, user, passkey="Not mine")
        db.close()
    deliver_queued(app)
    texts = [mailbox.text(m) for m in mailbox.to("ada@example.com")]
    assert len(texts) == 2
    assert any("Not mine" in text for text in texts)


def _deliver_nothing(message_id: str) -> None:
    """Stand in for the delivery job (only its queue entries matter here)."""


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_tasks_left_in_an_earlier_plain_redis_queue_move_into_the_priority_queue():
    name = f"test-{uuid.uuid4().hex[:12]}"
    plain = RedisHuey(name, url=TEST_REDIS_URL, results=False)  # as FlowPulse kept it before
    deliver_later = plain.task(name="deliver-mail")(_deliver_nothing)
    deliver_later("first")
    deliver_later("second")
    upgraded = build_queue(TEST_REDIS_URL, name=name)
    upgraded.task(name="deliver-mail")(_deliver_nothing)
    try:
        assert [upgraded.dequeue().args for _ in range(2)] == [("first",), ("second",)]
        assert upgraded.dequeue() is None
    finally:
        upgraded.flush()


def test_a_message_past_its_deadline_is_given_up_with_one_error_line_and_no_link(
    app, browser, mailbox, caplog
):
    refusing, port = start_smtp(Refuses())
    app.config.update(MAIL_PORT=port, MAIL_GIVE_UP_AFTER=0)
    try:
        with caplog.at_level(logging.ERROR, logger="flowpulse.services.mail_delivery"):
            browser.sign_up("ada@example.com")
    finally:
        refusing.stop()
    [row] = messages(app)
    assert row.status == "failed"
    [line] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "gave up" in line and "verify_email" in line and "ada@example.com" in line
    assert "/verify/" not in caplog.text


def test_flask_mail_queue_lists_what_waits_and_retry_brings_a_failed_one_back(
    app, browser, runner, mailbox
):
    refusing, port = start_smtp(Refuses())
    good_port = app.config["MAIL_PORT"]
    app.config.update(MAIL_PORT=port, MAIL_GIVE_UP_AFTER=0)
    try:
        browser.sign_up("ada@example.com")
    finally:
        refusing.stop()
    listing = runner.invoke(args=["mail", "queue"])
    assert listing.exit_code == 0
    assert "verify_email" in listing.output and "failed" in listing.output
    [entry] = json.loads(runner.invoke(args=["mail", "queue", "--json"]).output)
    assert (entry["kind"], entry["recipient"], entry["state"]) == (
        "verify_email",
        "ada@example.com",
        "failed",
    )
    assert entry["attempts"] == 1 and "refused" in entry["last_error"].lower()

    app.config.update(MAIL_PORT=good_port, MAIL_GIVE_UP_AFTER=3600)
    result = runner.invoke(args=["mail", "retry", entry["id"]])
    assert result.exit_code == 0, result.output
    assert "Queued 1 message" in result.output
    assert len(mailbox.to("ada@example.com")) == 1
    assert runner.invoke(args=["mail", "queue"]).output.strip() == "The mail queue is empty."


def test_retry_of_an_unknown_message_fails_in_one_line(runner):
    result = runner.invoke(args=["mail", "retry", "nope"])
    assert result.exit_code != 0
    assert result.output.strip() == "Error: no failed message with id 'nope'"


def test_healthz_reports_a_mail_backlog_without_turning_503(app, make_user, client, monkeypatch):
    user = make_user()
    monkeypatch.setattr(mail_outbox, "_ask_for_delivery", lambda *ask: None)
    with app.app_context():
        queue_notice(kinds.PASSWORD_CHANGED, user)
    app.config["MAIL_BACKLOG_AFTER"] = 0  # the message has waited longer than that
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "mail": "backlog"}


def _periodic_jobs(app) -> set[str]:
    huey = app.extensions["flowpulse.tasks"].huey
    return {task.__name__ for task in huey._registry._periodic_tasks}


def test_the_daily_prune_rides_the_queue_and_can_be_turned_off(app, database_url):
    assert _periodic_jobs(app) == {"sweep-outbox", "daily-prune"}
    quiet = make_app(database_url, TASK_DAILY_PRUNE=False)
    assert _periodic_jobs(quiet) == {"sweep-outbox"}
