"""One clear line on stderr and a non-zero exit, for every failure a command meets."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
from flask.cli import AppGroup
from peewee import DatabaseError

from flowpulse.database import DATABASE_UNAVAILABLE, db, discard_connection


def fail(message: str) -> NoReturn:
    """Stop the command: click prints ``Error: <message>`` on stderr and exits 1."""
    raise click.ClickException(message)


def one_line(error: BaseException) -> str:
    """Return an exception's text on one line (psycopg2's messages span several)."""
    return " ".join(str(error).split()) or type(error).__name__


@contextmanager
def database_errors_reported() -> Iterator[None]:
    """Turn a database failure inside the block into one ``Error:`` line."""
    try:
        yield
    except DATABASE_UNAVAILABLE as exc:
        # A dropped connection must not be handed to the next command.
        discard_connection()
        fail(f"database unavailable: {one_line(exc)}")
    except DatabaseError as exc:
        # Most often a schema that was never migrated ("no such table").
        discard_connection()
        fail(f"database error: {one_line(exc)} (has `flask db migrate` been run?)")


class DatabaseGroup(AppGroup):
    """An ``AppGroup`` whose commands report database failures in one line.

    Each command also gives its connection back when it ends, so a pooled
    PostgreSQL connection is not held by an idle shell.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand with database errors turned into ``Error:`` lines."""
        try:
            with database_errors_reported():
                return super().invoke(ctx)
        finally:
            if not db.is_closed():
                db.close()
