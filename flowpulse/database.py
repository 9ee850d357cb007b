"""The database: chosen from ``DATABASE_URL``, one connection per request.

Models bind to ``db``, a proxy initialised by the application factory, so the
same models serve SQLite (one process) and PostgreSQL (many processes).
"""

from contextlib import suppress
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from flask import Flask
from peewee import Database, DatabaseProxy, InterfaceError, OperationalError, SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase

db = DatabaseProxy()

#: What peewee raises when the database cannot be reached or used at all
#: (server down, connection dropped, file unreadable): pages answer 503.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

#: SQLite pragmas set on every connection. ``foreign_keys`` is per connection
#: (without it ON DELETE CASCADE silently does nothing); ``synchronous=normal``
#: is the safe, fast setting under WAL. The busy timeout is the driver's
#: ``timeout`` below, so writers wait instead of failing "database is locked".
SQLITE_PRAGMAS = {"foreign_keys": 1, "synchronous": "normal"}

#: Seconds a connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT = 10

#: Pooled PostgreSQL connections per process; a request never pays a connect.
POSTGRES_MAX_CONNECTIONS = 20

#: Seconds after which an idle pooled connection is replaced.
POSTGRES_STALE_TIMEOUT = 300


class WalSqliteDatabase(SqliteDatabase):
    """SQLite in WAL mode, switched on by a process's first connection.

    WAL lets readers and a writer work at once. It is a property of the file,
    not of the connection, so it is set once rather than on every request.
    """

    _wal_enabled = False

    def _add_conn_hooks(self, conn):
        super()._add_conn_hooks(conn)
        if not self._wal_enabled:
            conn.execute("PRAGMA journal_mode = wal")
            self._wal_enabled = True


class UnsupportedDatabaseURL(ValueError):
    """The URL names a database FlowPulse does not run on."""


def database_from_url(url: str) -> Database:
    """Build a peewee database for a ``sqlite:///`` or ``postgresql://`` URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else parsed.path
        return WalSqliteDatabase(
            path or ":memory:", pragmas=SQLITE_PRAGMAS, timeout=SQLITE_BUSY_TIMEOUT
        )
    if parsed.scheme in ("postgres", "postgresql"):
        # Query parameters are libpq's own (sslmode=require, options=...).
        params = dict(parse_qsl(parsed.query))
        # Timestamps are stored as UTC without a zone: make now() agree.
        params["options"] = ("-c timezone=UTC " + params.get("options", "")).strip()
        # Fail fast instead of hanging a request while the server is down.
        params.setdefault("connect_timeout", "5")
        return PooledPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname,
            port=parsed.port,
            max_connections=POSTGRES_MAX_CONNECTIONS,
            stale_timeout=POSTGRES_STALE_TIMEOUT,
            timeout=10,
            **params,
        )
    raise UnsupportedDatabaseURL(
        f"DATABASE_URL must start with sqlite:/// or postgresql://, not {parsed.scheme!r}"
    )


def init_app(app: Flask) -> None:
    """Bind ``db`` to the configured database and scope connections to requests."""
    database = database_from_url(app.config["DATABASE_URL"])
    if isinstance(database, SqliteDatabase) and database.database != ":memory:":
        # Create the folder of a file database (instance/ by default); if that
        # fails, connecting fails later and pages answer 503, not a crash here.
        with suppress(OSError):
            Path(database.database).parent.mkdir(parents=True, exist_ok=True)
    db.initialize(database)
    app.extensions["flowpulse.database"] = database
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


def discard_connection() -> None:
    """Drop the current connection after a failure so it is never reused."""
    if not db.is_closed():
        with suppress(*DATABASE_UNAVAILABLE):
            db.close()


def _close_connection(exc: BaseException | None) -> None:
    """Return the request's connection to the pool (or close it on SQLite)."""
    if not db.is_closed():
        db.close()
