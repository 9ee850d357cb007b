"""/verify/resend: a new verification link, and an answer that says what happened."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from flowpulse.profile.index import profile_page
from flowpulse.services.email_verification import resend_to_address, resend_verification
from flowpulse.verification.forms import ResendForm, SignedInResendForm
from flowpulse.web.csrf import CSRF_FAILED, csrf, form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.inbox import remember_link_sent, seconds_until_resend
from flowpulse.web.ratelimit import (
    EMAIL_REQUESTS_PER_EMAIL,
    EMAIL_REQUESTS_PER_IP,
    limiter,
    submitted_email,
)

#: Signed out, a new link is only "on its way" if the address waits for one:
#: the page must not tell a stranger which addresses have an account.
RESENT = "If that address is waiting to be verified, we sent it a new link."
SENT_A_MOMENT_AGO = (
    "We sent a link to {address} a moment ago. Give it a minute to arrive; "
    "you can ask for another in {seconds} seconds."
)
#: Signed in, the address is the person's own: the answer can be exact.
RESENT_TO_OWNER = "We sent a new link to {address}."
OWNER_SENT_A_MOMENT_AGO = (
    "We sent a link to {address} less than a minute ago. Give it a minute to arrive."
)
ALREADY_VERIFIED = "Your email address is already verified."


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
            raise CSRFError(CSRF_FAILED)  # the profile page again, with the message
        flash(_resend_to_owner(current_user._get_current_object()), "success")
        return redirect(url_for("profile.index"), code=303)
    form = ResendForm()
    if form.validate_on_submit():
        address = form.email.data
        wait = seconds_until_resend(address)
        if wait:
            # This browser's own history, never the account's: same answer for any address.
            flash(SENT_A_MOMENT_AGO.format(address=address, seconds=wait), "info")
        else:
            resend_to_address(address)
            remember_link_sent(address)
            flash(RESENT, "success")
        return redirect(url_for("auth.check_inbox"), code=303)
    status = form_status(form)  # first: it words the CSRF message
    return render_template("verification/resend.html", form=form), status


def _resend_to_owner(user) -> str:
    if user.email_verified:
        return ALREADY_VERIFIED
    if resend_verification(user):
        return RESENT_TO_OWNER.format(address=user.email)
    return OWNER_SENT_A_MOMENT_AGO.format(address=user.email)


@form_page("verification.resend")
def resend_page(message: str, *, limited: bool):
    """Signed in: the profile page with ``message``; signed out: the resend form."""
    if current_user.is_authenticated:
        return profile_page(message)
    form = ResendForm()
    form.form_errors.append(message)
    return render_template("verification/resend.html", form=form)
