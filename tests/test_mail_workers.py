"""Mail workers as processes: killed mid-delivery, restarted, two at once, inside each server.

Real processes (``flask worker``, ``flask run``, gunicorn) on one database
and one queue file (or Redis), the real SMTP test server, and real signals.
"""

import os
import re
import time
import uuid

import pytest

from flowpulse.core.database import db
from flowpulse.core.models import MailMessage
from flowpulse.core.models import mail as kinds
from flowpulse.services.messages import queue_notice
from flowpulse.serving import SERVERS
from tests.conftest import make_app
from tests.helpers import wait_until
from tests.live_server import HttpBrowser, LiveServer, WorkerProcess
from tests.mailbox import free_port
from tests.smtp_faults import StallsAfterData, start_smtp

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")

#: Settings of every process here: short timeouts, quick retries.
FAST = {"MAIL_TIMEOUT": 1, "MAIL_RETRY_AFTER": 0.5, "RATELIMIT_ENABLED": "false"}


def outbox(app) -> list[MailMessage]:
    with app.app_context():
        rows = list(MailMessage.select())
        db.close()
    return rows


def queue_notices(app, users, queue_url: str, name: str = "flowpulse") -> None:
    """Queue one notice per user from this process, into the workers' queue."""
    producer = make_app(app.config["DATABASE_URL"], TASK_QUEUE_URL=queue_url, TASK_QUEUE_NAME=name)
    with producer.app_context():
        for user in users:
            queue_notice(kinds.PASSWORD_CHANGED, user)
        db.close()


def test_a_worker_killed_mid_delivery_and_restarted_delivers_at_most_one_duplicate(
    app, database_url, make_user, tmp_path
):
    stalling = StallsAfterData()
    controller, port = start_smtp(stalling)
    queue_url = f"sqlite:///{tmp_path / 'tasks.db'}"
    user = make_user()
    settings = {**FAST, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "TASK_QUEUE_URL": queue_url}
    first = WorkerProcess(database_url, **settings)
    try:
        queue_notices(app, [user], queue_url)
        assert stalling.received.wait(30), first.log_text()
        first.kill()  # the server has the message; the worker never heard "250"
    finally:
        stalling.release.set()
    second = WorkerProcess(database_url, **settings)
    try:
        # Once the dead worker's claim runs out, the new one sends it again.
        wait_until(lambda: outbox(app)[0].status == "sent")
    finally:
        second.stop()
        controller.stop()
    copies = stalling.to("ada@example.com")
    assert 1 <= len(copies) <= 2
    assert len({copy["Message-ID"] for copy in copies}) == 1  # recognisably one message


def test_mail_pending_when_the_web_process_stops_goes_out_from_the_next_one(
    app, database_url, mailbox, smtp_server, tmp_path
):
    queue_url = f"sqlite:///{tmp_path / 'tasks.db'}"
    dead_port = free_port()  # nothing listens: every attempt fails
    common = {**FAST, "MAIL_SERVER": "127.0.0.1", "TASK_QUEUE_URL": queue_url}
    server = LiveServer(database_url, MAIL_PORT=dead_port, **common).wait_until_up()
    try:
        HttpBrowser(server.url).submit("/auth/signup", SIGN_UP)
        wait_until(lambda: outbox(app) and outbox(app)[0].attempts >= 1)
    finally:
        server.stop()
    assert mailbox.to("ada@example.com") == []
    server = LiveServer(database_url, MAIL_PORT=smtp_server.port, **common).wait_until_up()
    try:
        # A message the stopped server was sending stays claimed until its claim
        # runs out (then its scheduled second look sends it): seconds, not a minute.
        [message] = mailbox.wait_for("ada@example.com", timeout=60)
        assert message["Subject"] == "Verify your email address"
    finally:
        server.stop()


#: What each serving process logs when its mail threads start.
STARTED = re.compile(r"mail worker: \d thread\(s\) in process (\d+)")

#: A sign-up form a live server accepts.
SIGN_UP = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "password": "correct horse battery staple 42",
}


@pytest.mark.parametrize("server_name", SERVERS)
def test_every_serving_worker_starts_mail_threads_of_its_own(
    app, database_url, smtp_server, mailbox, server_name
):
    server = LiveServer(
        database_url,
        server=server_name,
        WORKERS=2,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        **FAST,
    ).wait_until_up()
    try:
        wait_until(lambda: len(set(STARTED.findall(server.log_text()))) == 2)
        HttpBrowser(server.url).submit("/auth/signup", SIGN_UP)
        mailbox.wait_for("ada@example.com")
    finally:
        server.stop()


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_two_workers_sharing_redis_never_send_one_message_twice(
    app, database_url, make_user, smtp_server, mailbox
):
    name = f"test-{uuid.uuid4().hex[:12]}"
    settings = {
        **FAST,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "TASK_QUEUE_URL": TEST_REDIS_URL,
        "TASK_QUEUE_NAME": name,
    }
    users = [make_user(f"person{n}@example.com", name=f"Person {n}") for n in range(30)]
    workers = [WorkerProcess(database_url, **settings) for _ in range(2)]
    try:
        time.sleep(2)  # both consumers up and polling
        queue_notices(app, users, TEST_REDIS_URL, name)
        wait_until(lambda: all(row.status == "sent" for row in outbox(app)))
        time.sleep(1)  # a duplicate would have arrived by now
    finally:
        for worker in workers:
            worker.stop()
    ids = [message["Message-ID"] for message in mailbox.messages]
    assert len(ids) == 30 == len(set(ids))


def test_make_run_without_a_mail_server_prints_each_message_to_the_log(app, database_url):
    server = LiveServer(database_url, **FAST).wait_until_up()  # no MAIL_SERVER
    try:
        HttpBrowser(server.url).submit("/auth/signup", SIGN_UP)
        wait_until(lambda: "No MAIL_SERVER configured" in server.log_text())
    finally:
        server.stop()
    assert re.search(r"/verify/email/[\w-]+\.[\w-]+", server.log_text())
