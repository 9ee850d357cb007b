"""/auth/login: sign in with email and password."""

from flask import redirect, render_template, request
from flask_login import current_user

from flowpulse.auth.completion import PASSWORD, finish_sign_in, refuse_unverified
from flowpulse.auth.forms import LoginForm
from flowpulse.core import audit
from flowpulse.services.credentials import EmailNotVerified, WrongCredentials, authenticate
from flowpulse.web.attempt_outcomes import count_failure, no_failure, said_no_failure
from flowpulse.web.auth_cookie import landing_page
from flowpulse.web.csrf import csrf, form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.ratelimit import (
    LOGIN_PER_EMAIL,
    LOGIN_PER_EMAIL_SCOPE,
    LOGIN_PER_IP,
    LOGIN_PER_IP_SCOPE,
    attempt_limit,
    password_checks,
    submitted_email,
)
from flowpulse.web.redirects import safe_next_url

WRONG_CREDENTIALS = "Wrong email or password."


@csrf.exempt  # checked by the form, inside the rate limit
@attempt_limit(LOGIN_PER_IP, scope=LOGIN_PER_IP_SCOPE, refund_when=said_no_failure)
# A named bucket: re-entered passwords on profile pages spend from it too.
@attempt_limit(
    LOGIN_PER_EMAIL,
    scope=LOGIN_PER_EMAIL_SCOPE,
    key_func=submitted_email,
    refund_when=said_no_failure,
)
@password_checks(submitted_email)
def login():
    """Sign a person in and send them where they were going."""
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(safe_next_url(next_url) or landing_page(), code=303)
    form = LoginForm()
    status = 200
    wrong_credentials = False
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except WrongCredentials:
            count_failure()
            audit.record("sign-in.failed")
            form.form_errors.append(WRONG_CREDENTIALS)
            wrong_credentials = True
            status = 422
        except EmailNotVerified as exc:
            count_failure()  # as before: an unverified account's sign-ins stay counted
            return refuse_unverified(exc.user, form)
        else:
            no_failure()
            remember = bool(form.remember.data)
            return finish_sign_in(user, remember=remember, method=PASSWORD, next_url=next_url)
    else:
        no_failure()  # no password was checked
        status = form_status(form)
    page = render_template("auth/login.html", form=form, wrong_credentials=wrong_credentials)
    return page, status


@form_page("auth.login")
def login_page(message: str, *, limited: bool) -> str:
    """The sign-in form with ``message`` above it (over the limit: with a reset link)."""
    form = LoginForm()  # the typed address comes back; the password never does
    form.form_errors.append(message)
    return render_template("auth/login.html", form=form, limited=limited)
