"""The four tables as the studio shows them: every column, secrets masked, in pages.

Views get display strings only, never model rows, so a template cannot print
a secret by mistake: a secret column's value is replaced here, before any
template sees the row.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from math import ceil

from peewee import ForeignKeyField, Model, ModelSelect

from flowpulse.core.models import Account, Session, User, Verification
from flowpulse.services import browse

#: Rows on one page of a table.
PAGE_SIZE = 50

#: What a secret column shows: that a value is there, never the value.
MASK = "••••••"

#: What an empty (NULL) column shows.
EMPTY = "(empty)"


@dataclass(frozen=True)
class Table:
    """One browsable table and the columns of it that must never be shown."""

    name: str
    model: type[Model]
    secrets: frozenset[str] = frozenset()

    @property
    def columns(self) -> list[str]:
        """Return the table's column names, in schema order."""
        return [field.column_name for field in self.model._meta.sorted_fields]


#: The four tables, by name. Secrets: token digests, password hashes, OAuth tokens.
TABLES = {
    table.name: table
    for table in (
        Table("user", User),
        Table("session", Session, frozenset({"token"})),
        Table(
            "account",
            Account,
            frozenset({"password", "access_token", "refresh_token", "id_token"}),
        ),
        Table("verification", Verification, frozenset({"value"})),
    )
}


@dataclass(frozen=True)
class Cell:
    """A column's display text, and the user it links to (for ``user_id``)."""

    text: str
    user_id: str | None = None
    muted: bool = False


@dataclass(frozen=True)
class Page:
    """One page of a table's rows, already made safe to display."""

    rows: list[list[Cell]]
    number: int
    pages: int
    total: int


def row_counts() -> dict[str, int]:
    """Return how many rows each table holds."""
    return {name: table.model.select().count() for name, table in TABLES.items()}


def page_of(table: Table, number: int, search: str | None = None) -> Page | None:
    """Return one page of a table, newest first; ``None`` past the last page."""
    query = _rows_of(table, search)
    total = query.count()
    pages = max(1, ceil(total / PAGE_SIZE))
    if not 1 <= number <= pages:
        return None
    rows = query.paginate(number, PAGE_SIZE)
    return Page([display_row(table, row) for row in rows], number, pages, total)


def display_row(table: Table, row: Model) -> list[Cell]:
    """Return a row's cells in column order, with every secret masked."""
    cells = []
    for field in table.model._meta.sorted_fields:
        # __data__ holds the raw column value: a foreign key stays an id
        # instead of loading its user (no query per row).
        value = row.__data__.get(field.name)
        if field.name in table.secrets:
            cells.append(Cell(EMPTY if value is None else MASK, muted=True))
        elif isinstance(field, ForeignKeyField):
            cells.append(Cell(str(value), user_id=value))
        else:
            cells.append(_plain_cell(value))
    return cells


def _rows_of(table: Table, search: str | None) -> ModelSelect:
    """Return the query behind a table's pages (users can be searched)."""
    if table.model is User:
        return browse.users_matching(search)
    model = table.model
    return model.select().order_by(model.created_at.desc(), model.id)


def _plain_cell(value: object) -> Cell:
    """Spell a non-secret value for a page."""
    if value is None:
        return Cell(EMPTY, muted=True)
    if isinstance(value, datetime):
        return Cell(value.strftime("%Y-%m-%d %H:%M:%S"))
    if isinstance(value, bool):
        return Cell("true" if value else "false")
    return Cell(str(value))


#: What our primary keys look like (URL-safe text); anything else is no row
#: of ours and never reaches the database (PostgreSQL refuses NUL).
ROW_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


@dataclass(frozen=True)
class UserPage:
    """One user with their sessions and accounts, made safe to display."""

    email: str
    user: list[Cell]
    sessions: list[list[Cell]]
    accounts: list[list[Cell]]


def user_page(user_id: str) -> UserPage | None:
    """Return a user with their sessions and accounts (three queries), or None."""
    if not ROW_ID.fullmatch(user_id):
        return None
    found = User.with_sessions_and_accounts(User.id == user_id)
    if found is None:
        return None
    return UserPage(
        email=found.email,
        user=display_row(TABLES["user"], found),
        sessions=[display_row(TABLES["session"], s) for s in found.sessions],
        accounts=[display_row(TABLES["account"], a) for a in found.accounts],
    )
