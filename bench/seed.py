"""Bulk rows for the benchmark databases, written in a few set-based statements.

PostgreSQL rows come from ``INSERT ... SELECT generate_series(...)``, SQLite's
from a recursive CTE: a million rows take seconds, not an hour of ORM calls.
Every password is one precomputed Argon2id hash; every session token is a
unique SHA-256-sized hex digest, as FlowPulse stores them.
"""

import re
from datetime import datetime, timedelta

from bench.databases import BenchDatabase
from flowpulse.core.clock import utcnow

#: Rows one seeding statement writes; bounds each statement's memory and time.
CHUNK = 250_000

#: Statements as templates: ``{...}`` are the engine's SQL fragments below,
#: ``:name`` are bound parameters, ``i`` is the row's number.
USERS_SQL = (
    'INSERT INTO "user" (id, name, email, email_verified, created_at, updated_at) '
    "SELECT {user_id}, 'User ' || i, 'user' || i || '@example.com', :yes, :now, :now "
    "FROM ({series}) AS numbers"
)
ACCOUNTS_SQL = (
    "INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at) "
    "SELECT {account_id}, {user_id}, 'credential', {user_id}, :hash, :now, :now "
    "FROM ({series}) AS numbers"
)
SESSIONS_SQL = (
    "INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, "
    "user_agent, user_id) "
    "SELECT {session_id}, :expires, {token}, :now, :now, '127.0.0.1', 'FlowPulse benchmark', "
    "{owner_id} FROM ({series}) AS numbers"
)
ONE_USER_SQL = (
    'INSERT INTO "user" (id, name, email, email_verified, created_at, updated_at) '
    "VALUES (:id, 'Ada Benchmark', :email, :yes, :now, :now)"
)
ONE_ACCOUNT_SQL = (
    "INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at) "
    "VALUES (:account, :id, 'credential', :id, :hash, :now, :now)"
)

#: Per engine: md5 ids on PostgreSQL spread rows over the index like
#: FlowPulse's random ids; SQLite has no md5, so it numbers them.
FRAGMENTS = {
    "postgresql": {
        "series": "SELECT i FROM generate_series(:first, :last) AS i",
        "user_id": "md5('user-' || i)",
        "account_id": "md5('account-' || i)",
        "session_id": "md5(:label || '-' || i)",
        "owner_id": "md5('user-' || (mod(i, :users) + 1))",
        "token": "encode(sha256((:label || '-' || i)::bytea), 'hex')",
    },
    "sqlite": {
        "series": (
            "WITH RECURSIVE series(i) AS (SELECT :first UNION ALL "
            "SELECT i + 1 FROM series WHERE i < :last) SELECT i FROM series"
        ),
        "user_id": "'user-' || i",
        "account_id": "'account-' || i",
        "session_id": "(:label || '-' || i)",
        "owner_id": "'user-' || (i % :users + 1)",
        "token": "lower(hex(randomblob(32)))",
    },
}


def add_user(
    database: BenchDatabase, email: str, password_hash: str, *, verified: bool = True
) -> str:
    """Insert one user (verified unless told) with a password account; return its id."""
    user_id = f"bench-{email}"
    parameters = {
        "id": user_id,
        "account": f"account-{user_id}",
        "email": email,
        "hash": password_hash,
        "yes": verified,
        "now": _timestamp(database, utcnow()),
    }
    with _transaction(database) as cursor:
        cursor.execute(_sql(database, ONE_USER_SQL), parameters)
        cursor.execute(_sql(database, ONE_ACCOUNT_SQL), parameters)
    return user_id


def add_users(database: BenchDatabase, first: int, last: int, password_hash: str) -> None:
    """Insert users number ``first``..``last`` (inclusive), each with a password account."""
    now = _timestamp(database, utcnow())
    for low, high in _chunks(first, last):
        parameters = {"first": low, "last": high, "yes": True, "hash": password_hash, "now": now}
        with _transaction(database) as cursor:
            cursor.execute(_sql(database, USERS_SQL), parameters)
            cursor.execute(_sql(database, ACCOUNTS_SQL), parameters)


def add_sessions(
    database: BenchDatabase,
    first: int,
    last: int,
    *,
    users: int,
    expires_at: datetime,
    label: str = "session",
) -> None:
    """Insert sessions ``first``..``last``, owned in turn by users 1..``users``."""
    now = _timestamp(database, utcnow())
    expires = _timestamp(database, expires_at)
    for low, high in _chunks(first, last):
        parameters = {"first": low, "last": high, "users": users, "label": label}
        with _transaction(database) as cursor:
            cursor.execute(
                _sql(database, SESSIONS_SQL), {**parameters, "expires": expires, "now": now}
            )


def analyze(database: BenchDatabase) -> None:
    """Refresh the planner's statistics after a bulk load."""
    connection = database.connect()
    try:
        if database.engine == "postgresql":
            connection.autocommit = True
        connection.cursor().execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()


def in_days(days: float) -> datetime:
    """Return the UTC time ``days`` from now (negative: in the past)."""
    return utcnow() + timedelta(days=days)


def _chunks(first: int, last: int):
    for low in range(first, last + 1, CHUNK):
        yield low, min(low + CHUNK - 1, last)


def _sql(database: BenchDatabase, template: str) -> str:
    """Fill in the engine's fragments; write ``:name`` in the driver's style."""
    statement = template.format(**FRAGMENTS[database.engine])
    if database.engine == "sqlite":
        return statement
    # psycopg2 takes %(name)s; "::bytea" casts are not parameters.
    return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", statement)


def _timestamp(database: BenchDatabase, moment: datetime):
    # peewee stores SQLite datetimes as text "YYYY-MM-DD HH:MM:SS.ffffff".
    return moment.isoformat(sep=" ") if database.engine == "sqlite" else moment


class _transaction:
    """A cursor whose statements commit together, or roll back on error."""

    def __init__(self, database: BenchDatabase):
        self._connection = database.connect()

    def __enter__(self):
        return self._connection.cursor()

    def __exit__(self, exc_type, *rest) -> None:
        try:
            if exc_type is None:
                self._connection.commit()
            else:
                self._connection.rollback()
        finally:
            self._connection.close()
