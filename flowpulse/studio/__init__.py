"""FlowPulse Studio: a small, separate, read-only web app that browses the four tables.

It reads the very database object of the main app that starts it (``flask db
studio``), so it always shows what the app itself sees. It has GET
routes only, masks every secret column, and answers only loopback ``Host``s.
"""

import logging
from pathlib import Path

from flask import Flask, render_template, request
from flask.wrappers import Response

from flowpulse.core.database import DATABASE_UNAVAILABLE, EXTENSION, db, discard_connection
from flowpulse.studio import views
from flowpulse.studio.loopback import host_header_is_loopback

#: templates/ and static/ live beside the package, as for the main app.
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

#: Sent with every page: no scripts at all, nothing framed, nothing cached.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

log = logging.getLogger(__name__)


def create_studio_app(main_app: Flask) -> Flask:
    """Create the studio app over ``main_app``'s database."""
    database = main_app.extensions[EXTENSION]
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.extensions[EXTENSION] = database
    app.register_blueprint(views.bp)
    app.before_request(_refuse_foreign_hosts)
    app.after_request(_add_headers)
    app.teardown_request(_close_connection)
    for exc_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(exc_class, _database_unavailable)
    app.register_error_handler(404, _not_found)
    return app


def _refuse_foreign_hosts() -> tuple[str, int] | None:
    """Answer 400 to a ``Host`` that is not loopback (DNS rebinding)."""
    if not host_header_is_loopback(request.host):
        return "The studio answers only at a loopback address such as 127.0.0.1.", 400
    return None


def _add_headers(response: Response) -> Response:
    """Set the studio's security headers."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _database_unavailable(error: Exception):
    """Answer 503 while the database is unreachable; the next page retries."""
    log.error("database unavailable: %s", error)
    discard_connection()
    return render_template("studio/error.html", message="The database is unavailable."), 503


def _not_found(error: Exception):
    """A studio page for an unknown table or user, with the studio's own header."""
    page = render_template(
        "studio/error.html", title="Not found", message="There is no such table, row or page."
    )
    return page, 404


def _close_connection(exc: BaseException | None) -> None:
    """Give the request's connection back (each server thread has its own)."""
    if not db.is_closed():
        db.close()
