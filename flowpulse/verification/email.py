"""/verify/email/<token> and /verify/resend."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from flowpulse.csrf import CSRF_FAILED, csrf, form_status
from flowpulse.email_address import normalize_email
from flowpulse.login import sign_in
from flowpulse.models import User
from flowpulse.ratelimit import (
    EMAIL_REQUESTS_PER_EMAIL,
    EMAIL_REQUESTS_PER_IP,
    limiter,
    submitted_email,
)
from flowpulse.services.email_verification import resend_verification, use_email_link
from flowpulse.services.exceptions import EmailTaken
from flowpulse.services.verification_tokens import CHANGE_EMAIL, ExpiredToken, InvalidToken
from flowpulse.verification.forms import ResendForm, SignedInResendForm

RESENT = "If that address is waiting to be verified, we sent it a new link."


def verify_email(token: str):
    """Use an emailed address link: verify a new account or apply an email change."""
    try:
        user, purpose = use_email_link(token)
    except EmailTaken:
        return _link_refused("That address can no longer be used for this account.")
    except InvalidToken as exc:
        if current_user.is_authenticated and current_user.email_verified:
            flash("Your email address is already verified.", "success")
            return redirect(url_for("profile.index"), code=303)
        return _link_refused(expired=isinstance(exc, ExpiredToken))
    if purpose == CHANGE_EMAIL:
        flash(f"Your email address is now {user.email}.", "success")
        return redirect(url_for("profile.index"), code=303)
    # The link proved the person reads this inbox: a fresh sign-up's link
    # signs in the browser that opens it, once.
    sign_in(user, remember=False)
    flash("Your email address is verified. Welcome!", "success")
    return redirect(url_for("profile.index"), code=303)


def _link_refused(reason: str | None = None, *, expired: bool = False):
    page = render_template(
        "verification/invalid_link.html", expired=expired, reason=reason, form=ResendForm()
    )
    return page, 400, {"Referrer-Policy": "no-referrer"}


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
        user = User.by_email(normalize_email(form.email.data))
        if user is not None:
            resend_verification(user)
        flash(RESENT, "success")
        return redirect(url_for("auth.login"), code=303)
    return render_template("verification/resend.html", form=form), form_status(form)
