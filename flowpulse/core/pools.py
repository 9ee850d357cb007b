"""The database a ``DATABASE_URL`` names, with its connections pooled on both engines.

On both engines a request borrows an open connection from a per-process pool
and returns it at teardown, so no page pays for opening one.
"""

import os
import sqlite3
import time
import weakref
from urllib.parse import parse_qsl, unquote, urlparse

from peewee import Database, InterfaceError, OperationalError
from playhouse.pool import MaxConnectionsExceeded, PooledPostgresqlDatabase, PooledSqliteDatabase

#: What peewee raises when the database cannot be reached or used at all
#: (server down, connection dropped, file unreadable, every pooled connection
#: busy for ``POOL_WAIT_TIMEOUT``): pages answer 503.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, MaxConnectionsExceeded)

#: Seconds a request waits for a free pooled connection before answering 503.
POOL_WAIT_TIMEOUT = 10

#: Seconds a connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT = 10

#: SQLite pragmas set on every connection. ``foreign_keys`` is per connection
#: (without it ON DELETE CASCADE silently does nothing); ``synchronous=normal``
#: is the safe, fast setting under WAL; the busy timeout makes writers wait
#: their turn instead of failing "database is locked".
SQLITE_PRAGMAS = {
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": SQLITE_BUSY_TIMEOUT * 1000,
}

#: Pooled SQLite connections per process: one per thread serving requests.
SQLITE_MAX_CONNECTIONS = 32

#: Pooled PostgreSQL connections per process; a request never pays a connect.
POSTGRES_MAX_CONNECTIONS = 20

#: Seconds after which an idle pooled connection is replaced.
POSTGRES_STALE_TIMEOUT = 300


#: Seconds a pooled PostgreSQL connection may sit idle before its checkout
#: pings the server; a busier one is trusted (FastCheckoutPostgresqlDatabase).
POSTGRES_PING_AFTER_IDLE = 1.0


class _SqliteConnection(sqlite3.Connection):
    """A SQLite connection that remembers which file it opened."""

    file_identity: tuple[int, int] | None = None


def _file_identity(path: str) -> tuple[int, int] | None:
    """The (device, inode) of ``path``, or None when nothing is there."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


class PooledWalSqliteDatabase(PooledSqliteDatabase):
    """SQLite in WAL mode, with each thread's connection kept open between requests.

    Opening a SQLite connection and setting its pragmas costs more than the
    query a signed-in page runs, and closing the last one checkpoints the WAL
    with an fsync; pooling removes both from every request.

    A long-lived connection keeps reading the file it opened even after that
    path names another file (the database deleted and created again), and
    would go on writing into a file nobody can see. So every checkout checks
    that the path still names the same file, and reopens it if not; if the
    path is now unusable the request fails and answers 503. (Restoring a
    backup still wants the server stopped: see the README.)

    WAL lets readers and a writer work at once. It is a property of the file,
    not of the connection, so it is set by the process's first connection.
    """

    _wal_enabled = False

    def __init__(self, database, **kwargs):
        # Pooled connections move between a worker's threads between requests
        # (never during one), so sqlite3's same-thread check must be off.
        kwargs.setdefault("check_same_thread", False)
        kwargs.setdefault("factory", _SqliteConnection)
        super().__init__(database, **kwargs)

    def _connect(self):
        conn = super()._connect()
        if conn.file_identity is None:  # new, not taken from the pool
            conn.file_identity = self._identity()
        return conn

    def _add_conn_hooks(self, conn):
        super()._add_conn_hooks(conn)
        if not self._wal_enabled:
            conn.execute("PRAGMA journal_mode = wal")
            self._wal_enabled = True

    def _is_closed(self, conn):
        if super()._is_closed(conn):
            return True
        if self._tracks_file() and conn.file_identity != self._identity():
            self._close_raw(conn)
            return True
        return False

    def _tracks_file(self) -> bool:
        return self.database != ":memory:" and not self.database.startswith("file:")

    def _identity(self) -> tuple[int, int] | None:
        return _file_identity(self.database) if self._tracks_file() else None


class FastCheckoutPostgresqlDatabase(PooledPostgresqlDatabase):
    """Pooled PostgreSQL that pings a connection only after it sat idle.

    peewee's pool sends ``SELECT 1`` on every checkout to find connections
    the server dropped: a round trip per request, as long as the query the
    page needs. A connection returned less than ``POSTGRES_PING_AFTER_IDLE``
    seconds ago was working then, so it is handed out unchecked; if it has
    died since, the request's query fails, the page answers 503, and the
    connection is discarded (``discard_connection``).
    """

    def __init__(self, database, **kwargs):
        self._returned_at: dict[int, float] = {}
        super().__init__(database, **kwargs)

    def _close(self, conn, close_conn=False):
        if not close_conn:
            self._returned_at[id(conn)] = time.monotonic()
        super()._close(conn, close_conn)

    def _close_raw(self, conn):
        self._returned_at.pop(id(conn), None)
        super()._close_raw(conn)

    def _is_closed(self, conn):
        if conn.closed:
            return True
        returned_at = self._returned_at.pop(id(conn), None)
        if returned_at is not None and time.monotonic() - returned_at < POSTGRES_PING_AFTER_IDLE:
            return False
        return super()._is_closed(conn)


class UnsupportedDatabaseURL(ValueError):
    """The URL names a database FlowPulse does not run on."""


#: Every database built in this process, so a forked worker can drop the
#: connections it inherited (``close_inherited_connections``).
_BUILT: "weakref.WeakSet[Database]" = weakref.WeakSet()


def close_inherited_connections() -> None:
    """Close every pooled connection this process holds (call right after a fork).

    A connection shared by two processes would interleave their traffic on
    one socket (PostgreSQL) or one file lock (SQLite).
    """
    for database in list(_BUILT):
        database.close_all()


def database_from_url(url: str) -> Database:
    """Build a peewee database for a ``sqlite:///`` or ``postgresql://`` URL."""
    database = _database_from_url(url)
    _BUILT.add(database)
    return database


def _database_from_url(url: str) -> Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else parsed.path
        return PooledWalSqliteDatabase(
            path or ":memory:",
            pragmas=SQLITE_PRAGMAS,
            max_connections=SQLITE_MAX_CONNECTIONS,
            stale_timeout=None,
            timeout=POOL_WAIT_TIMEOUT,
        )
    if parsed.scheme in ("postgres", "postgresql"):
        # Query parameters are libpq's own (sslmode=require, options=...).
        params = dict(parse_qsl(parsed.query))
        # Timestamps are stored as UTC without a zone: make now() agree.
        params["options"] = ("-c timezone=UTC " + params.get("options", "")).strip()
        # Fail fast instead of hanging a request while the server is down.
        params.setdefault("connect_timeout", "5")
        return FastCheckoutPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname,
            port=parsed.port,
            max_connections=POSTGRES_MAX_CONNECTIONS,
            stale_timeout=POSTGRES_STALE_TIMEOUT,
            timeout=POOL_WAIT_TIMEOUT,
            **params,
        )
    raise UnsupportedDatabaseURL(
        f"DATABASE_URL must start with sqlite:/// or postgresql://, not {parsed.scheme!r}"
    )
