"""The studio's pages: the tables with their row counts, a table's rows, one user."""

from flask import Blueprint, abort, render_template, request

from flowpulse.core.models import User
from flowpulse.studio import tables

bp = Blueprint("studio", __name__)

#: Longest search text taken from the query string.
MAX_SEARCH_LENGTH = 200


@bp.get("/")
def index():
    """List the four tables with their row counts."""
    return render_template("studio/index.html", counts=tables.row_counts())


@bp.get("/tables/<name>")
def table(name: str):
    """Show one page of a table; the user table can be searched by email or name."""
    shown = tables.TABLES.get(name) or abort(404)
    search = _search_text() if shown.model is User else None
    page = tables.page_of(shown, request.args.get("page", 1, type=int), search)
    if page is None:
        abort(404)
    return render_template("studio/table.html", table=shown, page=page, search=search)


@bp.get("/users/<user_id>")
def user(user_id: str):
    """Show one user with their sessions and accounts (three queries)."""
    found = tables.user_page(user_id) or abort(404)
    return render_template("studio/user.html", user=found, tables=tables.TABLES)


def _search_text() -> str | None:
    """Return the ``q`` parameter, printable and bounded (PostgreSQL refuses NUL)."""
    raw = request.args.get("q", "")[:MAX_SEARCH_LENGTH]
    text = "".join(ch for ch in raw if ch.isprintable()).strip()
    return text or None
