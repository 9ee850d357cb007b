"""/auth/signup: create an account."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from flowpulse.auth.forms import SignupForm
from flowpulse.csrf import csrf, form_status
from flowpulse.email_address import normalize_email
from flowpulse.login import sign_in
from flowpulse.ratelimit import SIGNUP_PER_IP, failed, limiter
from flowpulse.services.credentials import WeakPassword
from flowpulse.services.exceptions import EmailTaken
from flowpulse.services.registration import sign_up

MAIL_FAILED = (
    "We could not send the confirmation email just now. Please try again in a few "
    "minutes with \u201cSend a new link\u201d below."
)
CHECK_INBOX = (
    "Check your inbox: we sent a link to confirm your address. If nothing arrives "
    "in a few minutes, check your spam folder or ask for a new link below."
)


@csrf.exempt  # checked by the form, inside the rate limit
@limiter.limit(SIGNUP_PER_IP, methods=["POST"], deduct_when=lambda r: not failed(r))
def signup():
    """Register a new account from the sign-up form."""
    if current_user.is_authenticated:
        return redirect(url_for("profile.index"), code=303)
    form = SignupForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        try:
            outcome = sign_up(form.name.data, email, form.password.data)
        except WeakPassword as exc:
            form.password.errors.extend(exc.problems)
        except EmailTaken:
            # Only reachable with verification off: a documented trade-off.
            form.email.errors.append("An account with this email already exists. Sign in instead.")
        else:
            if current_app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"]:
                # The same answer whether or not the address was new.
                if outcome.mail_sent:
                    flash(CHECK_INBOX, "success")
                else:
                    flash(MAIL_FAILED, "error")
                return redirect(url_for("auth.login"), code=303)
            sign_in(outcome.user, remember=False)
            flash("Welcome to FlowPulse!", "success")
            return redirect(url_for("profile.index"), code=303)
    status = form_status(form)
    return render_template("auth/signup.html", form=form), status
