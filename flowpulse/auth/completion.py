"""The one seam where a proven identity becomes a session.

A password (``auth.login``), a provider (``auth.oauth``), a passkey
(``auth.passkey``) and a sign-up's verification link all end here:
``finish_sign_in`` decides whether a second step follows (an account with a
second factor, on a browser it does not trust) before any session exists,
and ``complete_sign_in`` — after the first proof, or after the second step —
is the only place a sign-in turns into a session row and an auth cookie.
``refuse_unverified`` is the one "verify your email first" answer the first
three give.
"""

import time

from flask import flash, redirect, render_template, session

from flowpulse.auth import second_step
from flowpulse.auth.forms import LoginForm
from flowpulse.core import audit
from flowpulse.core.models import User
from flowpulse.services import trusted_devices, two_factor
from flowpulse.services.email_verification import resend_verification
from flowpulse.services.social_accounts import (
    AlreadyConnected,
    IdentityTaken,
    IssuerChanged,
    connect,
)
from flowpulse.social.identity import Identity
from flowpulse.web.auth_cookie import landing_page, sign_in
from flowpulse.web.browser_binding import BrowserSecret
from flowpulse.web.json_api import Refused, wants_json
from flowpulse.web.redirects import safe_next_url

PASSWORD = "password"  # noqa: S105 (a sign-in method's name)
PASSKEY = "passkey"
#: A sign-up's verification link, opened in the browser that signed up.
EMAIL_LINK = "email-link"
#: What a new account's first sign-in (by its verification link) says.
WELCOME = "Your email address is verified. Welcome!"

VERIFY_FIRST = (
    "Please verify your email first: we sent you a new link (at most one a minute). "
    "Open it to finish signing up."
)

#: Where this browser records its last sign-in (for re-authentication).
RECENT_SIGN_IN = "recent_sign_in"

#: How long a sign-in counts as "just now" for a sensitive change.
REAUTHENTICATION_WINDOW = 300


def finish_sign_in(
    user: User,
    *,
    remember: bool,
    method: str,
    next_url: str | None = None,
    carried: dict | None = None,
):
    """Sign ``user`` in on this browser, or first ask for their second factor.

    An account with a second factor goes to ``/auth/two-factor`` (no session
    yet) unless this browser is one it trusts; ``complete_sign_in`` then
    runs once the code passes. ``carried`` is what the sign-in brings along
    and applies only once it completes (``{"link": identity}``: a provider
    identity to connect), held encrypted on the server meanwhile.
    """
    if two_factor.is_required(user) and not trusted_devices.is_trusted(
        user, second_step.trust_cookie()
    ):
        return second_step.begin(
            user, remember=remember, method=method, next_url=next_url, carried=carried
        )
    return complete_sign_in(
        user, remember=remember, method=method, next_url=next_url, carried=carried
    )


def complete_sign_in(
    user: User,
    *,
    remember: bool,
    method: str,
    next_url: str | None = None,
    carried: dict | None = None,
):
    """Start the session and send the person on (a same-site ``next`` or the landing page).

    ``method`` is ``password``, ``passkey`` or a provider id; the sign-in
    counts as a fresh re-authentication for five minutes where a page
    accepts one (see ``flowpulse.profile.reauthentication``). What the
    sign-in ``carried`` is applied first.
    """
    destination = safe_next_url(next_url) or landing_page()
    if carried and carried.get("link"):
        _connect_carried(user, carried["link"])
    sign_in(user, remember=remember)
    remember_sign_in(user, method)
    if method == EMAIL_LINK:
        flash(WELCOME, "success")  # a new account's first sign-in
    else:
        flash(f"Signed in as {user.email}.", "success")
    return redirect(destination, code=303)


def _connect_carried(user: User, identity_data: dict) -> None:
    """Link the provider identity that signed the person in, now that every step passed.

    The sign-in stands without it: the provider vouched for the address and
    the account's own second step passed. If the identity was linked to
    someone else meanwhile (or its provider removed), it is not linked, and
    the person is told.
    """
    identity = Identity.from_carried(identity_data)
    try:
        if identity is None:
            raise LookupError(identity_data.get("provider"))
        connect(user, identity)
    except (IdentityTaken, AlreadyConnected, IssuerChanged, LookupError):
        audit.record("sign-in.link-skipped", user=user.id)
        flash("That provider account could not be connected to yours.", "info")


def remember_sign_in(user: User, method: str) -> None:
    """Record in this browser that ``user`` just proved who they are (with ``method``)."""
    session[RECENT_SIGN_IN] = {"user": user.id, "method": method, "at": time.time()}


def recently_signed_in(user: User) -> bool:
    """Tell whether this browser proved who ``user`` is in the last five minutes."""
    recent = session.get(RECENT_SIGN_IN)
    if not isinstance(recent, dict) or recent.get("user") != user.id:
        return False
    return 0 <= time.time() - recent.get("at", 0) <= REAUTHENTICATION_WINDOW


def refuse_unverified(user: User, form: LoginForm | None = None) -> tuple[str, int]:
    """Answer a proven identity whose address is not verified: 403, and a link for this browser.

    A password, a provider and a passkey all end here, so "we sent you a new
    link" is true for each. A ceremony's script (JSON) gets the words as its
    error (``Refused``); a form gets the sign-in page.
    """
    audit.record("sign-in.unverified", user=user.id)
    # This browser just proved who it is: its new link may sign it in.
    secret = BrowserSecret()
    if resend_verification(user, browser=secret.digest):
        secret.keep()
    if wants_json():
        raise Refused(403, VERIFY_FIRST)
    form = form or LoginForm(formdata=None)
    form.form_errors.append(VERIFY_FIRST)
    return render_template("auth/login.html", form=form), 403
