"""The sign-in waiting for its second step: proven by a first factor, not yet a session.

Until the second step succeeds there is no session row and no auth cookie.
The pending sign-in itself is a row on the server
(``flowpulse.services.pending_sign_ins``): this browser's Flask session holds
only its random token, so a copied or replayed cookie carries no count of
wrong codes and no "who" that the server did not record. Wrong codes also
spend the account's sign-in attempts in the shared rate-limit storage.
"""

from flask import current_app, g, redirect, request, session, url_for
from flask.wrappers import Response

from flowpulse.core import audit
from flowpulse.core.models import PendingSignIn, User
from flowpulse.services import pending_sign_ins

#: Where this browser keeps its pending sign-in's token in Flask's session.
SESSION_KEY = "pending_sign_in"

#: The cookie of a browser trusted to skip the second step.
SECURE_TRUST_COOKIE = "__Host-flowpulse_trusted"
PLAIN_TRUST_COOKIE = "flowpulse_trusted"


def begin(
    user: User, *, remember: bool, method: str, next_url: str | None, carried: dict | None = None
) -> Response:
    """Hold the sign-in until its second step, and send the browser to it."""
    pending_sign_ins.end(session.get(SESSION_KEY))  # one pending sign-in per browser
    g.pop("pending_sign_in", None)
    session[SESSION_KEY] = pending_sign_ins.hold(
        user, method=method, remember=remember, next_url=next_url, carried=carried
    )
    audit.record("sign-in.second-step", user=user.id)
    return redirect(url_for("auth.two_factor"), code=303)


def pending() -> PendingSignIn | None:
    """Return this browser's live pending sign-in (its ``user`` loaded), or None.

    Looked up once per request: the rate limit's key and the view both ask.
    """
    if "pending_sign_in" not in g:
        held = session.get(SESSION_KEY)
        g.pending_sign_in = pending_sign_ins.find(held) if held else None
    return g.pending_sign_in


def pending_email() -> str:
    """Key the account's sign-in attempts bucket from the pending sign-in."""
    held = pending()
    return "email:" + held.user.email if held else "email:-"


def forget() -> None:
    """End this browser's pending sign-in (done, or given up)."""
    g.pop("pending_sign_in", None)
    pending_sign_ins.end(session.pop(SESSION_KEY, None))


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
