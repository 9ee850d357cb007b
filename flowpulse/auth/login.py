"""/auth/login: sign in with email and password."""

from flask import flash, redirect, render_template, request
from flask_login import current_user

from flowpulse.auth.forms import LoginForm
from flowpulse.core import audit
from flowpulse.services.credentials import EmailNotVerified, WrongCredentials, authenticate
from flowpulse.services.email_verification import resend_verification
from flowpulse.web.auth_cookie import landing_page, sign_in
from flowpulse.web.browser_binding import BrowserSecret
from flowpulse.web.csrf import csrf, form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.ratelimit import (
    LOGIN_PER_EMAIL,
    LOGIN_PER_EMAIL_SCOPE,
    LOGIN_PER_IP,
    LOGIN_PER_IP_SCOPE,
    attempt_limit,
    failed,
    submitted_email,
)
from flowpulse.web.redirects import safe_next_url

WRONG_CREDENTIALS = "Wrong email or password."
VERIFY_FIRST = (
    "Please verify your email first: we sent you a new link (at most one a minute). "
    "Open it to finish signing up."
)


@csrf.exempt  # checked by the form, inside the rate limit
@attempt_limit(LOGIN_PER_IP, scope=LOGIN_PER_IP_SCOPE, refund_when=lambda r: not failed(r))
# A named bucket: re-entered passwords on profile pages spend from it too.
@attempt_limit(
    LOGIN_PER_EMAIL,
    scope=LOGIN_PER_EMAIL_SCOPE,
    key_func=submitted_email,
    refund_when=lambda r: not failed(r),
)
def login():
    """Sign a person in and send them where they were going."""
    destination = safe_next_url(request.args.get("next")) or landing_page()
    if current_user.is_authenticated:
        return redirect(destination, code=303)
    form = LoginForm()
    status = 200
    wrong_credentials = False
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except WrongCredentials:
            audit.record("sign-in.failed")
            form.form_errors.append(WRONG_CREDENTIALS)
            wrong_credentials = True
            status = 422
        except EmailNotVerified as exc:
            audit.record("sign-in.unverified", user=exc.user.id)
            # This browser just proved the password: its new link may sign it in.
            secret = BrowserSecret()
            if resend_verification(exc.user, browser=secret.digest):
                secret.keep()
            form.form_errors.append(VERIFY_FIRST)
            status = 403
        else:
            sign_in(user, remember=bool(form.remember.data))
            flash(f"Signed in as {user.email}.", "success")
            return redirect(destination, code=303)
    else:
        status = form_status(form)
    page = render_template("auth/login.html", form=form, wrong_credentials=wrong_credentials)
    return page, status


@form_page("auth.login")
def login_page(message: str, *, limited: bool) -> str:
    """The sign-in form with ``message`` above it (over the limit: with a reset link)."""
    form = LoginForm()  # the typed address comes back; the password never does
    form.form_errors.append(message)
    return render_template("auth/login.html", form=form, limited=limited)
