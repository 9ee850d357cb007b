"""Friendly error pages: no stack trace or framework text ever reaches a browser."""

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from flask.wrappers import Response
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from flowpulse.core.database import DATABASE_UNAVAILABLE, discard_connection
from flowpulse.web.access_log import loggable_path
from flowpulse.web.csrf import CSRF_FAILED
from flowpulse.web.form_pages import refused_form
from flowpulse.web.json_api import wants_json

log = logging.getLogger(__name__)

#: What each error page tells a person, in plain words.
MESSAGES = {
    400: ("Bad request", "The form could not be read. Go back, reload the page and try again."),
    403: ("Not allowed", "You are not allowed to do that."),
    404: ("Page not found", "There is nothing at this address."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many attempts", "Please wait a little before trying again."),
    500: ("Something went wrong", "An unexpected error occurred. Please try again later."),
    503: ("Temporarily unavailable", "The service is briefly unavailable. Please try again."),
}


def init_app(app: Flask) -> None:
    """Render every HTTP error, and any unexpected exception, as a page."""
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(CSRFError, render_csrf_error)
    for exc_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(exc_class, render_database_unavailable)
    app.register_error_handler(Exception, render_unexpected_error)


def render_http_error(error: HTTPException):
    """Render an HTTP error with its status code and headers (e.g. Retry-After)."""
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, "The request could not be completed."))
    # A refusal raised with words for the person (``flowpulse.web.json_api.Refused``) says them.
    message = getattr(error, "shown_message", None) or message
    # Keep the error's own headers (Allow on 405, Retry-After on 429), not
    # its plain-text Content-Type: the page is HTML.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return _error_page(code, title, message, headers)


def render_csrf_error(error: CSRFError):
    """Re-render the expired form with what was typed; else explain without blaming anyone."""
    _settle_current_user()
    return refused_form(CSRF_FAILED, 400) or _error_page(400, "Form expired", CSRF_FAILED)


def render_database_unavailable(error: Exception):
    """Answer 503 while the database is unreachable; service resumes by itself."""
    log.error("database unavailable on %s %s: %s", request.method, loggable_path(), error)
    discard_connection()
    return service_unavailable()


def service_unavailable():
    """Render the 503 page with a hint to retry in a few seconds."""
    title, message = MESSAGES[503]
    return _error_page(503, title, message, [("Retry-After", "5")])


def render_unexpected_error(error: Exception):
    """Log an unexpected exception and show a plain 500 page.

    HTTP errors never arrive here: Flask picks the more specific
    ``render_http_error`` along the exception's class hierarchy.
    """
    log.exception("unhandled error on %s %s", request.method, loggable_path())
    title, message = MESSAGES[InternalServerError.code]
    return _error_page(500, title, message)


def _settle_current_user() -> None:
    """Load who is signed in for the layout, or treat them as signed out.

    Rendering any template runs Flask-Login's context processor, which loads
    the user from the database; during an outage that would fail again
    inside this handler, so a failed load shows the page as signed out.
    """
    if "_login_user" in g:
        return
    try:
        current_user._get_current_object()
    except Exception:
        discard_connection()
        g._login_user = AnonymousUserMixin()


def _error_page(code: int, title: str, message: str, headers=()) -> Response:
    """Render the error template (JSON for a ceremony's script); never fail again doing so."""
    if wants_json():
        response = jsonify(error=message)
        response.status_code = code
        response.headers.extend(headers)
        return response
    _settle_current_user()
    page = render_template("errors/error.html", code=code, title=title, message=message)
    response = make_response(page, code)
    response.headers.extend(headers)
    return response
