"""The sign-in waiting for its second step: proven by a password, not yet a session.

Until the second step succeeds there is no session row and no auth cookie:
only this record in Flask's signed session cookie, which lives five minutes
and allows five codes. Wrong codes also spend the account's sign-in attempts
in the shared rate-limit storage, so a replayed older cookie buys nothing.
"""

import time

from flask import current_app, redirect, request, session, url_for
from flask.wrappers import Response

from flowpulse.core import audit
from flowpulse.core.models import User

#: Where the pending sign-in lives in Flask's session.
SESSION_KEY = "pending_sign_in"

#: Seconds a pending sign-in lives.
PENDING_SECONDS = 300

#: Codes a pending sign-in allows before the person starts over.
MAX_CODES = 5

#: The cookie of a browser trusted to skip the second step.
SECURE_TRUST_COOKIE = "__Host-flowpulse_trusted"
PLAIN_TRUST_COOKIE = "flowpulse_trusted"


def begin(user: User, *, remember: bool, method: str, next_url: str | None) -> Response:
    """Hold the sign-in until its second step, and send the browser to it."""
    session[SESSION_KEY] = {
        "user": user.id,
        "remember": remember,
        "method": method,
        "next": next_url,
        "at": time.time(),
        "wrong": 0,
    }
    audit.record("sign-in.second-step", user=user.id)
    return redirect(url_for("auth.two_factor"), code=303)


def pending() -> dict | None:
    """Return this browser's pending sign-in, or None (none, or older than five minutes)."""
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("at"), int | float):
        return None
    if not 0 <= time.time() - held["at"] <= PENDING_SECONDS:
        return None
    return held


def pending_user() -> User | None:
    """Return the account this browser's pending sign-in is for, if it still exists."""
    held = pending()
    return User.get_or_none(User.id == held["user"]) if held else None


def pending_email() -> str:
    """Key the account's sign-in attempts bucket from the pending sign-in."""
    user = pending_user()
    return "email:" + user.email if user else "email:-"


def count_wrong_code() -> bool:
    """Count one wrong code; return whether the pending sign-in may go on."""
    held = pending()
    if held is None:
        return False
    held["wrong"] = held.get("wrong", 0) + 1
    session[SESSION_KEY] = held
    if held["wrong"] >= MAX_CODES:
        forget()
        return False
    return True


def forget() -> None:
    """End the pending sign-in (done, or given up)."""
    session.pop(SESSION_KEY, None)


def trust_cookie_name() -> str:
    """Return the trust cookie's name for this deployment."""
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    return SECURE_TRUST_COOKIE if secure else PLAIN_TRUST_COOKIE


def trust_cookie() -> str | None:
    """Return this browser's trust token, if it has one."""
    return request.cookies.get(trust_cookie_name())


def set_trust_cookie(response: Response, token: str) -> None:
    """Give this browser the cookie that lets it skip the second step."""
    config = current_app.config
    response.set_cookie(
        trust_cookie_name(),
        token,
        max_age=int(config["AUTH_TRUST_DEVICE_DAYS"]) * 86400,
        path="/",
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
