"""The database the models use: the one the current app's factory configured.

Models bind to ``db``, a proxy that resolves to the database of the Flask app
whose context is active, so the same models serve SQLite (one process) and
PostgreSQL (many processes), and two apps in one process (a test suite, a
team's product embedding FlowPulse next to a studio) never see each other's
database. Connections are pooled (``flowpulse.core.pools``).
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from flask import Flask, current_app, has_app_context
from peewee import Database, DatabaseProxy, SqliteDatabase

from flowpulse.core.pools import DATABASE_UNAVAILABLE, database_from_url

__all__ = ["DATABASE_UNAVAILABLE", "db", "discard_connection", "write_transaction"]

#: Where an app keeps its database object.
EXTENSION = "flowpulse.database"


class NoApplicationContext(RuntimeError):
    """A model was used outside an app context, so there is no database to use."""


class AppDatabase(DatabaseProxy):
    """A peewee proxy whose target is the current app's database."""

    @property
    def obj(self) -> Database:
        if not has_app_context():
            raise NoApplicationContext(
                "FlowPulse's models need an application context: "
                "run this inside `with app.app_context():`"
            )
        return current_app.extensions[EXTENSION]

    @obj.setter
    def obj(self, value) -> None:
        # peewee's Proxy.__init__ sets obj to None; the app context decides.
        if value is not None:
            raise TypeError("bind a database with flowpulse.core.database.init_app(app)")


db = AppDatabase()


def init_app(app: Flask) -> None:
    """Give the app its database and scope connections to requests."""
    database = database_from_url(app.config["DATABASE_URL"])
    if isinstance(database, SqliteDatabase) and database.database != ":memory:":
        # Create the folder of a file database (instance/ by default); if that
        # fails, connecting fails later and pages answer 503, not a crash here.
        with suppress(OSError):
            Path(database.database).parent.mkdir(parents=True, exist_ok=True)
    app.extensions[EXTENSION] = database
    # No before_request connect: peewee connects on a request's first query,
    # so pages that need no database (static files, error pages) keep
    # working during an outage and the health check can report it.
    app.teardown_request(_close_connection)


def write_transaction():
    """Return a transaction that takes the write lock before its first read.

    On SQLite a deferred transaction that reads and then writes can meet a
    concurrent one doing the same and fail "database is locked" at once;
    IMMEDIATE makes the second wait its turn (busy timeout) instead.
    PostgreSQL's row locks already serialise the writes that matter.
    """
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


def is_sqlite() -> bool:
    """Tell whether the current app runs on SQLite."""
    return isinstance(db.obj, SqliteDatabase)


def discard_connection() -> None:
    """Close the current connection after a failure so the pool never lends it again."""
    if not db.is_closed():
        with suppress(*DATABASE_UNAVAILABLE):
            db.obj.manual_close()


def _close_connection(exc: BaseException | None) -> None:
    """Return the request's connection to the pool."""
    if not db.is_closed():
        db.close()


class _Pending(threading.local):
    """Callbacks waiting for this thread's outermost transaction to commit."""

    callbacks: list[Callable[[], None]] | None = None


_pending = _Pending()


@contextmanager
def transaction() -> Iterator[None]:
    """Run the block as one write transaction; then run what ``after_commit`` queued.

    The write lock is taken before the first read (see ``write_transaction``).
    Nested inside another ``transaction()`` it is a savepoint, and queued
    callbacks wait for the outermost one. If the block raises, nothing was
    committed and the callbacks are dropped.
    """
    outermost = _pending.callbacks is None
    if outermost:
        _pending.callbacks = []
    try:
        with write_transaction():
            yield
        callbacks = _pending.callbacks if outermost else []
    finally:
        if outermost:
            _pending.callbacks = None
    for callback in callbacks:
        callback()


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the enclosing ``transaction()`` commits, or now outside one."""
    if _pending.callbacks is None:
        callback()
    else:
        _pending.callbacks.append(callback)
