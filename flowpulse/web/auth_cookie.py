"""Flask-Login backed by the ``session`` table, and the auth cookie.

The cookie carries an opaque token; its SHA-256 finds the row (one indexed
query joining ``user``). Deleting the row signs that device out at its next
request. Flask-Login's own cookie-session machinery is not used: no user id
goes into Flask's session, there is no remember cookie, and "session
protection" is off because an opaque database token has nothing to protect
that way (a stolen cookie is ended by revoking its row).
"""

from flask import Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask.wrappers import Response
from flask_login import AnonymousUserMixin, LoginManager, current_user

from flowpulse import signals
from flowpulse.core.models import Session, User
from flowpulse.services import sessions
from flowpulse.web.json_api import wants_json

#: Cookie names: ``__Host-`` binds the cookie to this exact origin over HTTPS.
SECURE_COOKIE_NAME = "__Host-flowpulse_session"
PLAIN_COOKIE_NAME = "flowpulse_session"

login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Load ``current_user`` from the session cookie; write the cookie back."""
    login_manager.init_app(app)
    login_manager.session_protection = None
    login_manager.request_loader(_load_user_from_session_cookie)
    login_manager.unauthorized_handler(_redirect_to_login)
    app.after_request(_write_auth_cookie)


def cookie_name() -> str:
    """Return the auth cookie's name for this deployment."""
    return SECURE_COOKIE_NAME if current_app.config["SESSION_COOKIE_SECURE"] else PLAIN_COOKIE_NAME


def sign_in(user: User, *, remember: bool) -> Session:
    """Start a fresh session for ``user`` on this browser."""
    row = _start_browser_session(user, remember=remember)
    signals.send(signals.user_signed_in, user=user, session=row)
    return row


def _start_browser_session(user: User, *, remember: bool) -> Session:
    """Create the session row and the cookie that will carry its token."""
    # A new Flask session on sign-in: nothing from before (CSRF token, state
    # an attacker may have planted) carries over (no session fixation).
    session.clear()
    token, row = sessions.start_session(
        user,
        remember=remember,
        ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )
    g.auth_cookie = (token, row)
    g.clear_auth_cookie = False  # a stale cookie sent with this request is replaced
    g.auth_session = row
    g._login_user = user  # Flask-Login's per-request cache of current_user
    return row


def sign_out() -> None:
    """End this browser's session: delete the row and clear the cookie."""
    # Read the cookie itself: current_user is lazy and may never have loaded.
    token = request.cookies.get(cookie_name())
    if token:
        sessions.end_session(token)
    forget_session_cookie()


def rotate_session() -> Session:
    """Replace this browser's session with a fresh row and token of the same kind.

    For a change of credentials: whoever holds a copy of the old cookie is out,
    this browser stays in. "Remember me" carries over, read from the old token.
    """
    token = request.cookies.get(cookie_name())
    remember = bool(token) and sessions.is_persistent(token)
    if token:
        sessions.end_session(token, renewed=True)
    return _start_browser_session(current_user._get_current_object(), remember=remember)


def forget_session_cookie() -> None:
    """Clear this browser's auth cookie and Flask session on the way out."""
    session.clear()
    g.clear_auth_cookie = True
    g.auth_session = None
    g._login_user = AnonymousUserMixin()


def current_session() -> Session | None:
    """Return the session row of this browser, if it is signed in."""
    if current_user.is_authenticated:
        return g.get("auth_session")
    return None


def _load_user_from_session_cookie(req) -> User | None:
    """Flask-Login request loader: the live session's user, or nobody."""
    token = req.cookies.get(cookie_name())
    if not token:
        return None
    row = sessions.find_live_session(token)
    if row is None:
        g.clear_auth_cookie = True  # expired or revoked: stop sending it
        return None
    if sessions.refresh_if_due(row, token):
        g.auth_cookie = (token, row)  # the cookie's expiry moves with the row's
    g.auth_session = row
    return row.user


#: What a signed-out visitor to a signed-in page is told on the sign-in page.
PLEASE_SIGN_IN = "Please sign in to continue."


def _redirect_to_login():
    """Send a signed-out visitor to sign in, then back to this page (a script gets a 401)."""
    if wants_json():
        return jsonify(error=PLEASE_SIGN_IN), 401
    target = request.full_path.rstrip("?") if request.method == "GET" else request.path
    flash(PLEASE_SIGN_IN, "info")
    return redirect(url_for("auth.login", next=target), code=303)


def signed_out_redirect():
    """Go to "You are signed out", clearing what this site stored in the browser.

    Clear-Site-Data also clears the cookie a flash message would travel in,
    so the page after it says "signed out" by itself rather than by a flash.
    """
    response = redirect(url_for("auth.logout"), code=303)
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response


def answer_as_signed_out() -> Response:
    """Answer a request whose account vanished under it (deleted by another device)."""
    forget_session_cookie()
    return _redirect_to_login()


def landing_page() -> str:
    """Where a sign-in without a ``next`` lands (``AUTH_LOGIN_REDIRECT``)."""
    return current_app.config["AUTH_LOGIN_REDIRECT"]


def _write_auth_cookie(response: Response) -> Response:
    """Set, refresh or clear the auth cookie; keep signed-in pages out of caches."""
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    name = cookie_name()
    new_cookie = g.get("auth_cookie")
    if new_cookie and not g.get("clear_auth_cookie"):
        token, row = new_cookie
        response.set_cookie(
            name,
            token,
            # Without "remember me" the cookie ends with the browser.
            expires=row.expires_at if sessions.is_persistent(token) else None,
            path="/",
            secure=secure,
            httponly=True,
            samesite="Lax",
        )
    elif g.get("clear_auth_cookie") and name in request.cookies:
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Lax")
    if new_cookie or name in request.cookies:
        response.headers["Cache-Control"] = "no-store"
    return response
