"""One clear line on stderr and a non-zero exit, for every failure a command meets."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
from flask.cli import AppGroup, ScriptInfo
from peewee import DatabaseError

from flowpulse.core.database import DATABASE_UNAVAILABLE, db, discard_connection


def fail(message: str) -> NoReturn:
    """Stop the command: click prints ``Error: <message>`` on stderr and exits 1."""
    raise click.ClickException(message)


def one_line(error: BaseException) -> str:
    """Return the first line of an exception's text.

    psycopg2 follows the reason with hints and a caret under the SQL; the
    reason alone is the one line an operator needs.
    """
    lines = str(error).strip().splitlines()
    return " ".join(lines[0].split()) if lines else type(error).__name__


#: How SQLite and PostgreSQL say a table is missing: the schema was never migrated.
MISSING_TABLE = re.compile(r"no such table|relation \S+ does not exist")


@contextmanager
def database_errors_reported() -> Iterator[None]:
    """Turn a database failure inside the block into one ``Error:`` line."""
    try:
        yield
    except DatabaseError as exc:
        # A broken connection must not be handed to the next command.
        discard_connection()
        reason = one_line(exc)
        if MISSING_TABLE.search(reason):
            fail(f"database error: {reason} (run `flask db migrate` first)")
        if isinstance(exc, DATABASE_UNAVAILABLE):
            fail(f"database unavailable: {reason}")
        fail(f"database error: {reason}")


class DatabaseGroup(AppGroup):
    """An ``AppGroup`` whose commands report database failures in one line.

    Each command also gives its connection back when it ends, so a pooled
    PostgreSQL connection is not held by an idle shell.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand with database errors turned into ``Error:`` lines."""
        # The app's context around the whole command: the database is the app's.
        with ctx.ensure_object(ScriptInfo).load_app().app_context():
            try:
                with database_errors_reported():
                    return super().invoke(ctx)
            finally:
                if not db.is_closed():
                    db.close()
