"""Private benchmark databases: a temp-file SQLite or a PostgreSQL schema.

Every database is created for one measurement and removed after it, even
when the measurement fails: SQLite files live in the run's temp folder, and
each PostgreSQL schema is dropped (``DROP SCHEMA ... CASCADE``) on the way
out, as tests/conftest.py does.
"""

import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2

from bench.servers import server_env
from bench.settings import PROJECT_ROOT

#: Seconds a migration may take before the run gives up.
MIGRATE_TIMEOUT = 120


@dataclass(frozen=True)
class BenchDatabase:
    """One private database: its engine, its URL for FlowPulse, a raw connector."""

    engine: str
    url: str
    server_url: str = ""
    schema: str = ""
    path: Path | None = None

    def connect(self):
        """Open a DB-API connection (autocommit off) for seeding and checks."""
        if self.engine == "sqlite":
            connection = sqlite3.connect(self.path, timeout=30)
            connection.execute("PRAGMA foreign_keys = ON")
            return connection
        # UTC, like FlowPulse's own connections: timestamps are stored zoneless.
        return psycopg2.connect(
            self.server_url, options=f"-c search_path={self.schema} -c timezone=UTC"
        )


@contextmanager
def sqlite_database(folder: Path, name: str) -> Iterator[BenchDatabase]:
    """Yield a migrated SQLite database file; delete it (and its WAL) after."""
    path = folder / f"{name}.db"
    try:
        database = BenchDatabase("sqlite", f"sqlite:///{path}", path=path)
        migrate(database)
        yield database
    finally:
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


@contextmanager
def postgres_database(server_url: str) -> Iterator[BenchDatabase]:
    """Yield a migrated private schema on the PostgreSQL server; drop it after."""
    schema = f"flowpulse_bench_{secrets.token_hex(4)}"
    _execute(server_url, f'CREATE SCHEMA "{schema}"')
    try:
        separator = "&" if "?" in server_url else "?"
        url = f"{server_url}{separator}options={quote(f'-c search_path={schema}')}"
        database = BenchDatabase("postgresql", url, server_url=server_url, schema=schema)
        migrate(database)
        yield database
    finally:
        _execute(server_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def bench_database(engine: str, folder: Path, server_url: str, name: str):
    """Yield a fresh database on ``engine`` (``sqlite`` or ``postgresql``)."""
    if engine == "sqlite":
        with sqlite_database(folder, name) as database:
            yield database
    else:
        with postgres_database(server_url) as database:
            yield database


def migrate(database: BenchDatabase) -> None:
    """Apply FlowPulse's migrations with its own ``flask db migrate``."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "migrate"],
        cwd=PROJECT_ROOT,
        env=server_env(database.url),
        capture_output=True,
        text=True,
        timeout=MIGRATE_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask db migrate failed:\n{result.stderr}")


def postgres_version(server_url: str) -> str:
    """Return the server's version string (e.g. ``15.20``)."""
    connection = psycopg2.connect(server_url, connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def _execute(server_url: str, statement: str) -> None:
    connection = psycopg2.connect(server_url, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()
