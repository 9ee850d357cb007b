"""/auth/signup: create an account."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from flowpulse.auth.forms import SignupForm
from flowpulse.services.credentials import WeakPassword
from flowpulse.services.exceptions import EmailTaken
from flowpulse.services.signup import sign_up
from flowpulse.services.signup_policy import SignUpRefused
from flowpulse.web.attempt_outcomes import no_failure, said_no_failure
from flowpulse.web.auth_cookie import landing_page, sign_in
from flowpulse.web.browser_binding import BrowserSecret
from flowpulse.web.csrf import csrf, form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.inbox import awaited_address, remember_link_sent
from flowpulse.web.ratelimit import (
    SIGNUP_PER_IP,
    SIGNUP_PER_IP_SCOPE,
    attempt_limit,
    new_password_attempts,
)


@csrf.exempt  # checked by the form, inside the rate limit
@new_password_attempts
# Counts sign-ups that went through: a form sent back with an error says so
# (``no_failure``) and is given back.
@attempt_limit(SIGNUP_PER_IP, scope=SIGNUP_PER_IP_SCOPE, refund_when=said_no_failure)
def signup():
    """Register a new account from the sign-up form."""
    if current_user.is_authenticated:
        return redirect(landing_page(), code=303)
    form = SignupForm()
    if form.validate_on_submit():
        secret = BrowserSecret()
        try:
            outcome = sign_up(
                form.name.data, form.email.data, form.password.data, browser=secret.digest
            )
        except WeakPassword as exc:
            form.password.errors.extend(exc.problems)
        except SignUpRefused as refusal:
            form.form_errors.append(refusal.message)  # the product's own words
        except EmailTaken:
            # Only reachable with verification off: a documented trade-off.
            form.email.errors.append("An account with this email already exists. Sign in instead.")
        else:
            if not current_app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"]:
                sign_in(outcome.user, remember=False)
                flash(f"Welcome to {current_app.config['SITE_NAME']}!", "success")
                return redirect(landing_page(), code=303)
            # Kept whoever owns the address: this browser's cookie must not
            # differ between a new address and a taken one.
            secret.keep()
            remember_link_sent(form.email.data)
            # The same answer whether or not the address was new.
            return redirect(url_for("auth.check_inbox"), code=303)
    no_failure()  # sent back with an error: no account was made or started over
    status = form_status(form)
    return render_template("auth/signup.html", form=form), status


@form_page("auth.signup")
def signup_page(message: str, *, limited: bool) -> str:
    """The sign-up form with ``message`` above it; name and address as typed."""
    form = SignupForm()
    form.form_errors.append(message)
    return render_template("auth/signup.html", form=form)


def check_inbox():
    """Say where the link went, with "Resend" and "Wrong address? Start again"."""
    return render_template("auth/check_inbox.html", address=awaited_address())
