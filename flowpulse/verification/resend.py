"""/verify/resend: a new verification link."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from flowpulse.services.email_verification import resend_to_address, resend_verification
from flowpulse.verification.forms import ResendForm, SignedInResendForm
from flowpulse.web.csrf import CSRF_FAILED, csrf, form_status
from flowpulse.web.ratelimit import (
    EMAIL_REQUESTS_PER_EMAIL,
    EMAIL_REQUESTS_PER_IP,
    limiter,
    submitted_email,
)

RESENT = "If that address is waiting to be verified, we sent it a new link."


@csrf.exempt  # checked by the form, inside the rate limit
@limiter.limit(EMAIL_REQUESTS_PER_IP, methods=["POST"])
@limiter.limit(
    EMAIL_REQUESTS_PER_EMAIL,
    methods=["POST"],
    key_func=submitted_email,
    exempt_when=lambda: current_user.is_authenticated,
)
def resend():
    """Send a new verification link: to the account's address when signed in."""
    if current_user.is_authenticated:
        # Signed in, the address is the account's own: only the token is posted.
        if not SignedInResendForm().validate_on_submit():
            raise CSRFError(CSRF_FAILED)  # the same 400 page as every other form
        resend_verification(current_user._get_current_object())
        flash("If your address still needs verifying, we sent a new link.", "success")
        return redirect(url_for("profile.index"), code=303)
    form = ResendForm()
    if form.validate_on_submit():
        resend_to_address(form.email.data)
        flash(RESENT, "success")
        return redirect(url_for("auth.login"), code=303)
    return render_template("verification/resend.html", form=form), form_status(form)
