"""CSRF protection (Flask-WTF) on every POST.

Rate-limited views are exempt from the global before-request check and
validate the token through their form instead, inside the rate limit: a
flood of posts then gets 429 whether or not its tokens are valid, and a
failed token re-renders the form (400) instead of leaving the page.
"""

import threading
import time
from collections import OrderedDict

from flask import Flask, current_app, g, session
from flask.wrappers import Response
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

#: Flask-WTF's names: the raw token in Flask's session, the signed one in ``g``.
FIELD = "csrf_token"

#: Seconds a session's signed token is shown again instead of signed anew.
#: Signing (JSON, zlib, HMAC) was a tenth of a signed-in page's own work; the
#: raw token in the session is what a post is checked against, and with
#: ``WTF_CSRF_TIME_LIMIT`` at None the timestamp inside changes nothing.
SIGNED_TOKEN_REUSE = 300
#: Sessions remembered per process (the oldest is forgotten first).
REMEMBERED_SESSIONS = 4096

#: Shown when a form's CSRF token is missing, stale or foreign (next to the
#: re-rendered form, or on the error page of a form that cannot be re-rendered).
CSRF_FAILED = "This form expired or came from another site. Please submit it again."


class SignedTokens:
    """Per process: each session's signed CSRF token, kept ``SIGNED_TOKEN_REUSE`` seconds."""

    def __init__(self) -> None:
        self._tokens: OrderedDict[tuple, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            signed, made = self._tokens.get(key, (None, 0.0))
        return signed if time.monotonic() - made < SIGNED_TOKEN_REUSE else None

    def put(self, key: tuple, signed: str) -> None:
        with self._lock:
            self._tokens[key] = (signed, time.monotonic())
            self._tokens.move_to_end(key)
            while len(self._tokens) > REMEMBERED_SESSIONS:
                self._tokens.popitem(last=False)


def init_app(app: Flask) -> None:
    """Protect every POST, and sign each session's token once, not on every page."""
    csrf.init_app(app)
    tokens = SignedTokens()
    app.extensions["flowpulse.csrf_tokens"] = tokens

    @app.before_request
    def _reuse_signed_token() -> None:
        raw = g.csrf_raw_at_start = session.get(FIELD)
        signed = tokens.get(_key(raw)) if raw else None
        if signed:
            setattr(g, FIELD, signed)  # Flask-WTF's generate_csrf() returns it as is

    @app.after_request
    def _remember_signed_token(response: Response) -> Response:
        raw, signed = session.get(FIELD), g.get(FIELD)
        # Only a token signed for the raw token the session holds now: one
        # made before a sign-in cleared the session is never kept.
        if raw and signed and g.get("csrf_raw_at_start") in (raw, None):
            tokens.put(_key(raw), signed)
        return response


def _key(raw: str) -> tuple:
    """The cache key: the raw token and the keys it is signed with (rotation changes it)."""
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    return raw, tuple(secret) if isinstance(secret, list) else secret


def form_status(form: FlaskForm) -> int:
    """Return the status a re-rendered form gets: 200, 400 (CSRF) or 422."""
    if "csrf_token" in form.errors:
        form.csrf_token.errors[:] = [CSRF_FAILED]
        return 400
    return 422 if form.errors else 200
