"""Helpers for the attack tests (``tests/test_attack_*.py``): links, rows, counters.

Everything here acts from the outside: HTTP through the test client, rows
through ``flowpulse.core.models``, mail through the test SMTP server, and work
counted at the libraries the app calls (argon2, peewee's statement log).
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import argon2
import psycopg2

from flowpulse.core.models import Session, User, Verification
from tests.browser import STRONG_PASSWORD, Browser, csrf_token_in
from tests.mailbox import Mailbox

VERIFY_LINK = "/verify/email/"
RESET_LINK = "/auth/reset-password/"
#: A strong password other than the one ``make_user`` gives (tests.browser's).
NEW_PASSWORD = "violet submarines hum at dawn 31"
WRONG_PASSWORD = "certainly not the password 123"


def path_of(url: str) -> str:
    """Return the path (and query) of a link, as a browser would request it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links_to(mailbox: Mailbox, address: str, prefix: str = VERIFY_LINK) -> list[str]:
    """Return the paths of the emailed links to ``address`` under ``prefix``, oldest first."""
    paths = [path_of(link) for message in mailbox.to(address) for link in Mailbox.links(message)]
    return [path for path in paths if path.startswith(prefix)]


def newest_link(mailbox: Mailbox, address: str, prefix: str = VERIFY_LINK) -> str:
    """Return the path of the link in the newest message to ``address`` that has one."""
    found = links_to(mailbox, address, prefix)
    assert found, f"no {prefix} link was mailed to {address}"
    return found[-1]


class _Forms(HTMLParser):
    """Collect each form's method, action and hidden (or named submit) fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._open = {
                "method": (attributes.get("method") or "get").lower(),
                "action": attributes.get("action") or "",
                "fields": {},
            }
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "button") and attributes.get("name"):
            kind = (attributes.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in ("hidden", "submit"):
                self._open["fields"].setdefault(attributes["name"], attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def use_link(browser: Browser, url: str):
    """Do what a person does with an emailed link; return the final answer.

    Open the link; if the page holds a POST form to the link itself (a
    confirmation page), press its button, sending its hidden fields (the
    ``csrf_token``) back, and return that answer. Otherwise return the answer
    to the GET (today's links act on the GET itself).
    """
    path = path_of(url)
    page = browser.get(path)
    if page.status_code != 200:
        return page
    parser = _Forms()
    parser.feed(page.get_data(as_text=True))
    for form in parser.forms:
        target = path_of(urljoin(f"http://localhost{path}", form["action"] or path))
        if form["method"] == "post" and urlsplit(target).path == urlsplit(path).path:
            return browser.client.post(target, data=form["fields"])
    return page


def ask_for_email_change(browser: Browser, new_email: str, password: str = STRONG_PASSWORD):
    """Post /profile/email as the signed-in person."""
    return browser.submit("/profile/email", {"new_email": new_email, "current_password": password})


def ask_for_reset(browser: Browser, email: str, **kwargs):
    """Post the forgot-password form for ``email``."""
    return browser.submit("/auth/forgot-password", {"email": email}, **kwargs)


def set_password_with_link(browser: Browser, path: str, password: str = NEW_PASSWORD):
    """Open a reset link's form and post a new password through it."""
    return browser.submit(path, {"password": password})


def signs_in(new_browser, email: str, password: str) -> bool:
    """Tell whether ``email`` and ``password`` sign a fresh browser in."""
    return new_browser().sign_in(email, password).status_code == 303


def signed_in_browser(new_browser, email: str, password: str = STRONG_PASSWORD) -> Browser:
    """Return a new browser signed in as ``email``."""
    browser = new_browser()
    assert browser.sign_in(email, password).status_code == 303
    return browser


def from_ip(number: int) -> dict:
    """Headers naming client IP number ``number`` (the app must trust one proxy hop)."""
    return {"X-Forwarded-For": f"198.51.{100 + number // 250}.{number % 250 + 1}"}


def form_poster(browser: Browser, form_page: str):
    """Load ``form_page`` once; return ``post(data, action=, headers=)`` reusing its CSRF token."""
    token = csrf_token_in(browser.get(form_page).get_data(as_text=True))

    def post(data: dict, *, action: str | None = None, headers: dict | None = None):
        return browser.client.post(
            action or form_page, data={**data, "csrf_token": token}, headers=headers or {}
        )

    return post


def ready_to_post(browser: Browser, form_page: str, data: dict, *, action=None, headers=None):
    """Load ``form_page`` (its CSRF token) now; return a call that posts ``data`` later."""
    post = form_poster(browser, form_page)
    return lambda: post(data, action=action, headers=headers)


def table_rows(app) -> dict[str, dict[str, dict]]:
    """Return every row of ``verification``, ``user`` and ``session``, by table and id."""
    with app.app_context():
        return {
            model.__name__: {row["id"]: row for row in model.select().dicts()}
            for model in (Verification, User, Session)
        }


def row_changes(before: dict, after: dict) -> list[str]:
    """Say which rows were added, deleted or changed between two ``table_rows``."""
    changes = []
    for table, old in before.items():
        new = after[table]
        changes += [f"{table} {key} deleted" for key in old.keys() - new.keys()]
        changes += [f"{table} {key} added" for key in new.keys() - old.keys()]
        for key in old.keys() & new.keys():
            columns = [column for column in old[key] if old[key][column] != new[key][column]]
            if columns:
                changes.append(f"{table} {key} changed {', '.join(columns)}")
    return sorted(changes)


def verification_rows_of(app, user_id: str) -> list[Verification]:
    """Return the ``verification`` rows whose identifier names this user."""
    with app.app_context():
        return [row for row in Verification.select() if row.identifier.endswith(f":{user_id}")]


@contextmanager
def counting_password_checks(monkeypatch) -> Iterator[list[int]]:
    """Yield a list that grows by one for every Argon2 verification (a checked password)."""
    checks: list[int] = []
    real_verify = argon2.PasswordHasher.verify

    def verify(self, hash, password):
        checks.append(1)
        return real_verify(self, hash, password)

    with monkeypatch.context() as patch:
        patch.setattr(argon2.PasswordHasher, "verify", verify)
        yield checks


def status_classes(responses) -> list[int]:
    """Return each response's status class: 2, 3, 4 or 5."""
    return [response.status_code // 100 for response in responses]


class TableGate:
    """Make racing requests meet inside the database (PostgreSQL), not just at the door.

    ``run_at_once`` starts requests together, but each first spends ~30 ms on
    Argon2, so their few milliseconds of writing rarely overlap. The gate holds
    a SHARE lock on one table (reads pass, writes wait) until every request
    is waiting on it, directly or behind another waiting request, or has
    finished; then it lets them all go at the same instant.
    """

    def __init__(self, database_url: str, table: str, requests: int):
        self.requests = requests
        self._finished = 0
        self._count_lock = threading.Lock()
        self._connection = psycopg2.connect(database_url)
        with self._connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')

    def counted(self, call):
        """Wrap a request so the gate knows when it has finished."""

        def run():
            try:
                return call()
            finally:
                with self._count_lock:
                    self._finished += 1

        return run

    def _held_up(self, cursor) -> int:
        """Return how many backends wait on the gate, directly or through each other."""
        cursor.execute(
            "SELECT pid, pg_blocking_pids(pid)"
            " FROM (SELECT DISTINCT pid FROM pg_locks WHERE NOT granted) AS waiting"
        )
        blocked_by = dict(cursor.fetchall())
        held, grew = {self._connection.get_backend_pid()}, True
        while grew:
            grew = False
            for pid, blockers in blocked_by.items():
                if pid not in held and held.intersection(blockers):
                    held.add(pid)
                    grew = True
        return len(held) - 1

    def release_when_all_wait(self, seconds: float = 10) -> None:
        """Open the gate once every request waits at it or is done (or after ``seconds``)."""
        deadline = time.monotonic() + seconds
        with self._connection.cursor() as cursor:
            while time.monotonic() < deadline:
                if self._held_up(cursor) + self._finished >= self.requests:
                    break
                time.sleep(0.005)  # polling a condition, not waiting for luck
        self._connection.rollback()
        self._connection.close()
