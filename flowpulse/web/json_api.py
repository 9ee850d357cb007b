"""The few JSON endpoints (WebAuthn ceremonies): what they read, and how they refuse.

A ceremony's script posts JSON with the page's CSRF token in the
``X-CSRFToken`` header (Flask-WTF checks it like a form's). Anything else —
another content type, a body that is not a JSON object, one too large —
is refused with a 4xx and a message the script can show as it is.
"""

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

#: Largest ceremony body: an attestation is a few kilobytes.
MAX_BODY_BYTES = 64 * 1024


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
    """The request's JSON object; ``Refused`` (415/413/400) for anything else."""
    if not request.is_json:
        raise Refused(415, "Send this as JSON.")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise Refused(413, "That answer is too large.")
    body = request.get_json(silent=True)
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
