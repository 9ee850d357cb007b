"""Small test helpers shared by several test modules."""

import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from html import unescape
from typing import TypeVar

from flowpulse.core.database import db
from flowpulse.core.email_address import InvalidEmail, normalize_email
from flowpulse.core.models import CREDENTIAL_PROVIDER, Account, Session, User, Verification

T = TypeVar("T")


class _QueryCounter(logging.Handler):
    """Collect the SQL statements peewee logs at DEBUG level, from this thread only.

    A request's own work is what is counted: the mail worker that runs after
    it (``tests/mail_queue.py``) works in a thread of its own.
    """

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != "peewee" or record.thread != self.thread:
            return  # e.g. peewee.pool's "Returning ... to pool.", which is no SQL
        sql, _params = record.msg if isinstance(record.msg, tuple) else (record.msg, None)
        self.statements.append(str(sql))


@contextmanager
def count_queries():
    """Yield a list that fills with every SQL statement run inside the block."""
    logger = logging.getLogger("peewee")
    handler = _QueryCounter()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def wait_until(condition: Callable[[], object], timeout: float = 30) -> None:
    """Wait for something a worker does in the background (polled every 50 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting")


def field_error(response, field: str) -> str:
    """Return the error text shown next to a form field ('' when there is none)."""
    html = response.get_data(as_text=True)
    match = re.search(rf'id="{re.escape(field)}-error"[^>]*>(.*?)</div>', html, re.S)
    return _visible_text(match.group(1)) if match else ""


def flashed_messages(response) -> list[str]:
    """Return the flash messages a page shows, in order."""
    html = response.get_data(as_text=True)
    found = re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</', html, re.S)
    return [_visible_text(message) for message in found]


def main_text(response) -> str:
    """Return the visible text of a page's <main> (flashes included), as one line."""
    html = response.get_data(as_text=True)
    match = re.search(r"<main\b[^>]*>(.*?)</main>", html, re.S)
    return _visible_text(match.group(1) if match else html)


def _visible_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def run_at_once(*calls: Callable[[], T]) -> list[T]:
    """Run each call in its own thread, released together; return their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=60) for future in futures]


def recorded_ips(app) -> list[str]:
    """Return the client address of every session row, oldest first."""
    with app.app_context():
        ips = [row.ip_address for row in Session.select().order_by(Session.created_at)]
        db.close()
    return ips


def database_problems(app) -> list[str]:
    """Return every way the four tables break the data model's rules ([] when sound).

    Every account and session row has its user; every user has exactly one
    password account (``provider_id`` "credential", ``account_id`` = the user's
    id); every stored email is already in its normalised form; no text holds NUL.
    """
    with app.app_context():
        tables = {
            model: list(model.select().dicts()) for model in (User, Session, Account, Verification)
        }
    problems = []
    for model, rows in tables.items():
        for row in rows:
            for column, value in row.items():
                if isinstance(value, str) and "\x00" in value:
                    problems.append(f"{model.__name__}.{column} of {row['id']!r} holds NUL")
    users = {row["id"]: row for row in tables[User]}
    for model in (Account, Session):
        for row in tables[model]:
            if row["user"] not in users:
                problems.append(f"{model.__name__} {row['id']!r} has no user {row['user']!r}")
    for user_id, user in users.items():
        credentials = [
            account["account_id"]
            for account in tables[Account]
            if account["user"] == user_id and account["provider_id"] == CREDENTIAL_PROVIDER
        ]
        if credentials != [user_id]:
            problems.append(f"user {user_id!r} has credential accounts {credentials!r}")
        try:
            normalised = normalize_email(user["email"])
        except InvalidEmail as exc:
            normalised = f"<invalid: {exc}>"
        if user["email"] != normalised:
            problems.append(f"user {user_id!r} has email {user['email']!r}, not {normalised!r}")
    return problems
