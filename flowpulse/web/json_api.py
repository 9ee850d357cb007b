"""The few JSON endpoints (WebAuthn ceremonies): what they read, and how they refuse.

A ceremony's script posts JSON with the page's CSRF token in the
``X-CSRFToken`` header (Flask-WTF checks it like a form's). Anything else —
another content type, a body that is not a JSON object, one too large, one
that cannot be read at all (nested too deep, not UTF-8) — is refused with a
4xx and a message the script can show as it is.
"""

import json

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

#: Largest ceremony body: an attestation is a few kilobytes.
MAX_BODY_BYTES = 64 * 1024

UNREADABLE = "That answer could not be read as JSON."


class Refused(HTTPException):
    """A request refused with a message for the person (the error handler shows it)."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.shown_message = message


def wants_json() -> bool:
    """Tell whether this request came from a script that reads JSON answers.

    The ceremony script says so in ``Accept``; a form posted with a JSON body
    by anything else still gets the HTML pages every form gets.
    """
    return request.accept_mimetypes.best == "application/json"


def json_body() -> dict:
    """The request's JSON object; ``Refused`` (415/413/400) for anything else.

    The one reader of JSON bodies: every endpoint gets the same refusals.
    """
    if not request.is_json:
        raise Refused(415, "Send this as JSON.")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise Refused(413, "That answer is too large.")
    # A chunked body announces no length: measure what was read (Werkzeug
    # stops reading at MAX_CONTENT_LENGTH, with its own 413).
    data = request.get_data(cache=True)
    if len(data) > MAX_BODY_BYTES:
        raise Refused(413, "That answer is too large.")
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        # ValueError: bad syntax, bad UTF-8, a number too long to convert.
        # RecursionError: the parser recurses once per level of nesting (about
        # 1,000 overflow it), and get_json(silent=True) let it through as a 500.
        # Caught, it costs ~0.05 ms; a depth count before parsing cost more
        # (15 us on every ceremony, 18 ms on 64 kB of brackets), so there is none.
        raise Refused(400, UNREADABLE) from None
    if not isinstance(body, dict):
        raise Refused(400, "That is not a JSON object.")
    return body


def answer(**fields):
    """A JSON answer (the session cookie, if changed, goes with it as usual)."""
    return jsonify(fields)


def as_json(response):
    """A redirect as a script follows it: ``{"redirect": url}``, keeping its cookies."""
    moved = jsonify(redirect=response.location)
    for cookie in response.headers.getlist("Set-Cookie"):
        moved.headers.add("Set-Cookie", cookie)
    return moved
