"""Printing for people and for scripts: aligned tables, JSON, times, safe text."""

import json
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import click

#: Shown in a table cell that has no value.
EMPTY = "-"


def echo_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], *, empty: str | None = None
) -> None:
    """Print rows as columns aligned under their headers (or ``empty`` if none)."""
    if not rows and empty is not None:
        click.echo(empty)
        return
    cells = [[safe_text(value) for value in row] for row in rows]
    widths = [display_width(header) for header in headers]
    for row in cells:
        widths = [max(width, display_width(cell)) for width, cell in zip(widths, row, strict=True)]
    for row in [list(headers), *cells]:
        padded = [
            cell + " " * (width - display_width(cell))
            for cell, width in zip(row, widths, strict=True)
        ]
        click.echo("  ".join(padded).rstrip())


def echo_json(data: Any) -> None:
    """Print data as indented JSON (ASCII only, so no byte can steer a terminal)."""
    click.echo(json.dumps(data, indent=2))


def iso_time(moment: datetime | None) -> str | None:
    """Return a stored (naive UTC) time in ISO 8601 with its zone, for scripts."""
    return moment.replace(tzinfo=UTC).isoformat() if moment else None


def short_time(moment: datetime | None) -> str:
    """Return a stored (naive UTC) time to the minute, for tables."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else EMPTY


def shorten(text: str | None, width: int) -> str:
    """Cut text to ``width`` characters, marking the cut with an ellipsis."""
    if not text:
        return EMPTY
    return text if len(text) <= width else text[: width - 1] + "…"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """Return ``1 session`` or ``1,234 sessions``."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


def yes_no(flag: bool) -> str:
    """Spell a flag for a table."""
    return "yes" if flag else "no"


def safe_text(value: Any) -> str:
    """Return text that cannot move the cursor or recolour the terminal.

    Names and user agents come from strangers: control and format characters
    (escape sequences, bidi overrides) are shown as ``\\x1b``-style escapes.
    """
    text = EMPTY if value is None else str(value)
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Cf")
        else ch
        for ch in text
    )


def display_width(text: str) -> int:
    """Return how many terminal columns text takes (wide CJK characters take two)."""
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )
