"""Faults: the database or the mail server failing must never produce a 500.

Pages answer a friendly 503 while the database is away, /healthz says so,
and service resumes by itself when it returns, with no restart.
"""

import threading
from urllib.parse import urlsplit, urlunsplit

import pytest

from flowpulse.core.database import db
from flowpulse.core.migrations import apply_pending
from tests.browser import STRONG_PASSWORD, Browser
from tests.conftest import TABLES, TEST_DATABASE_URL, make_app
from tests.tcp_proxy import TcpProxy


def _through(proxy: TcpProxy, database_url: str) -> str:
    """Return ``database_url`` with its host and port replaced by the proxy's."""
    parts = urlsplit(database_url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{proxy.port}" if credentials else f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture
def proxied_app(needs_postgres, postgres_schema_url):
    """An app whose PostgreSQL connections all pass through a cuttable proxy."""
    server = urlsplit(TEST_DATABASE_URL)
    proxy = TcpProxy(server.hostname or "127.0.0.1", server.port or 5432)
    app = make_app(_through(proxy, postgres_schema_url), RATELIMIT_ENABLED=False)
    with app.app_context():
        apply_pending()
        db.close()
    yield app, proxy
    proxy.restore()
    with app.app_context():
        db.execute_sql(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        db.close()
        proxy.close()
        db.obj.close_all()


def _assert_friendly_503(response):
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Temporarily unavailable" in body
    assert "Traceback" not in body


def test_postgresql_outage_gives_503_and_service_resumes_without_restart(proxied_app, mailbox):
    app, proxy = proxied_app
    browser = Browser(app.test_client())
    assert browser.get("/healthz").status_code == 200

    proxy.cut()
    health = browser.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database"] == "unavailable"
    _assert_friendly_503(browser.sign_in("ada@example.com"))
    _assert_friendly_503(browser.sign_up("ada@example.com"))

    proxy.restore()
    assert browser.get("/healthz").get_json() == {"status": "ok", "database": "ok", "mail": "ok"}
    assert browser.sign_up("ada@example.com").status_code == 303


def test_signed_in_pages_answer_503_during_an_outage_and_keep_the_session(proxied_app, mailbox):
    app, proxy = proxied_app
    app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"] = False
    browser = Browser(app.test_client())
    browser.sign_up("ada@example.com")
    assert browser.is_signed_in()

    proxy.cut()
    _assert_friendly_503(browser.get("/profile"))

    proxy.restore()
    assert browser.is_signed_in()  # the outage did not end the session


def test_an_unreadable_sqlite_file_gives_503_and_service_resumes(tmp_path, mailbox):
    database = tmp_path / "flowpulse.db"
    app = make_app(f"sqlite:///{database}", RATELIMIT_ENABLED=False)
    with app.app_context():
        apply_pending()
        db.close()
    browser = Browser(app.test_client())
    assert browser.get("/healthz").status_code == 200

    # Root ignores file modes, so make the path unusable instead: a directory
    # where the database file should be cannot be opened as a database.
    moved = tmp_path / "away.db"
    database.rename(moved)
    database.mkdir()
    try:
        assert browser.get("/healthz").status_code == 503
        _assert_friendly_503(browser.sign_in("ada@example.com", STRONG_PASSWORD))
    finally:
        database.rmdir()
        moved.rename(database)
    assert browser.get("/healthz").status_code == 200
    assert browser.get("/auth/login").status_code == 200


def test_a_database_that_was_never_migrated_answers_503_not_500(tmp_path, mailbox):
    app = make_app(f"sqlite:///{tmp_path}/never-migrated.db", RATELIMIT_ENABLED=False)
    browser = Browser(app.test_client())
    assert browser.get("/auth/login").status_code == 200  # the form needs no database
    _assert_friendly_503(browser.sign_in("ada@example.com"))


def test_every_pooled_connection_busy_gives_503_then_service_resumes(app, browser, make_user):
    make_user("ada@example.com")
    pool = app.extensions["flowpulse.database"]
    pool._max_connections, pool._wait_timeout = 1, 0.2  # one connection, a short wait
    held, release = threading.Event(), threading.Event()

    def hold_the_only_connection():
        with app.app_context():
            db.connect()
            held.set()
            release.wait(10)
            db.close()

    holder = threading.Thread(target=hold_the_only_connection)
    holder.start()
    try:
        assert held.wait(10)
        _assert_friendly_503(browser.sign_in("ada@example.com", STRONG_PASSWORD))
    finally:
        release.set()
        holder.join()
    assert browser.sign_in("ada@example.com", STRONG_PASSWORD).status_code == 303
