"""/auth/login: sign in with email and password."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from flowpulse import audit
from flowpulse.auth.forms import LoginForm
from flowpulse.csrf import csrf, form_status
from flowpulse.login import sign_in
from flowpulse.ratelimit import (
    LOGIN_PER_EMAIL,
    LOGIN_PER_EMAIL_SCOPE,
    LOGIN_PER_IP,
    failed,
    limiter,
    submitted_email,
)
from flowpulse.redirects import safe_next_url
from flowpulse.services.credentials import EmailNotVerified, WrongCredentials, authenticate
from flowpulse.services.email_verification import resend_verification

WRONG_CREDENTIALS = "Wrong email or password."
VERIFY_FIRST = (
    "Please verify your email first: we sent you a new link (at most one a minute). "
    "Open it to finish signing up."
)


@csrf.exempt  # checked by the form, inside the rate limit
@limiter.limit(LOGIN_PER_IP, methods=["POST"], deduct_when=failed)
# A named bucket: re-entered passwords on profile pages spend from it too.
@limiter.shared_limit(
    LOGIN_PER_EMAIL,
    scope=LOGIN_PER_EMAIL_SCOPE,
    methods=["POST"],
    deduct_when=failed,
    key_func=submitted_email,
)
def login():
    """Sign a person in and send them where they were going."""
    destination = safe_next_url(request.args.get("next")) or url_for("profile.index")
    if current_user.is_authenticated:
        return redirect(destination, code=303)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except WrongCredentials:
            audit.record("sign-in.failed")
            form.form_errors.append(WRONG_CREDENTIALS)
            status = 422
        except EmailNotVerified as exc:
            audit.record("sign-in.unverified", user=exc.user.id)
            resend_verification(exc.user)
            form.form_errors.append(VERIFY_FIRST)
            status = 403
        else:
            sign_in(user, remember=bool(form.remember.data))
            audit.record("sign-in.succeeded", user=user.id)
            flash(f"Signed in as {user.email}.", "success")
            return redirect(destination, code=303)
    else:
        status = form_status(form)
    return render_template("auth/login.html", form=form), status
