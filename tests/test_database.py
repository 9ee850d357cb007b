"""Connections: SQLite settings that keep several workers safe, and both pools."""

import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest

from flowpulse.core import pools
from flowpulse.core.database import db
from flowpulse.core.migrations import apply_pending
from flowpulse.core.models import User
from flowpulse.core.pools import SQLITE_BUSY_TIMEOUT
from tests.conftest import TEST_DATABASE_URL


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_every_sqlite_connection_enforces_foreign_keys_in_wal_mode(app, engine):
    with app.app_context():
        for _ in range(2):  # the first connection and a later one
            assert db.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
            assert db.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
            assert db.execute_sql("PRAGMA busy_timeout").fetchone() == (SQLITE_BUSY_TIMEOUT * 1000,)
            db.close()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_sqlite_connections_stay_open_from_one_request_to_the_next(app, engine, client):
    pool = app.extensions["flowpulse.database"]
    assert client.get("/healthz").status_code == 200
    [(_, _, first)] = pool._connections  # returned to the pool, still open

    assert client.get("/healthz").status_code == 200
    [(_, _, second)] = pool._connections
    assert second is first
    assert first.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_sqlite_database_deleted_and_recreated_under_the_server_is_reopened(
    app, engine, make_user
):
    make_user("ada@example.com")
    live = Path(app.extensions["flowpulse.database"].database)

    # A developer resets the database while the server runs: rm, then migrate.
    for path in live.parent.glob(live.name + "*"):
        path.unlink()
    with app.app_context():
        apply_pending()
        db.close()

    # The pooled connection still had the deleted file open; it is not lent again.
    with app.app_context():
        assert User.get_or_none(User.email == "ada@example.com") is None
        make_user("grace@example.com")
        db.close()
    with closing(sqlite3.connect(live)) as fresh:  # written where everyone can see it
        emails = [email for (email,) in fresh.execute('SELECT email FROM "user"')]
    assert emails == ["grace@example.com"]


def _drop_pooled_connection_server_side(app) -> None:
    """Return a connection to the pool, then have the server end it."""
    with app.app_context():
        backend = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        db.close()
    with psycopg2.connect(TEST_DATABASE_URL) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (backend,))


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_postgresql_connection_dropped_while_idle_is_replaced_unseen(
    needs_postgres, app, engine, client, monkeypatch
):
    # Idle longer than the ping threshold: checkout pings and finds it dead.
    monkeypatch.setattr(pools, "POSTGRES_PING_AFTER_IDLE", 0)
    _drop_pooled_connection_server_side(app)
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_postgresql_connection_dropped_between_busy_requests_costs_one_503(
    needs_postgres, app, engine, client, monkeypatch
):
    # Returned a moment ago, it is lent without a ping: the page that gets it
    # answers 503 and the connection is discarded, so the next page works.
    monkeypatch.setattr(pools, "POSTGRES_PING_AFTER_IDLE", 60)
    _drop_pooled_connection_server_side(app)
    assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200
