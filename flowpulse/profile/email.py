"""/profile/email: change the address, once the new one is confirmed."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from flowpulse.profile.forms import EmailChangeForm
from flowpulse.profile.reauthentication import confirm_identity, fit_to_person
from flowpulse.services.email_change import SameEmail, request_email_change
from flowpulse.web.auth_cookie import rotate_session
from flowpulse.web.csrf import form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.ratelimit import (
    EMAIL_REQUESTS_PER_IP,
    limiter,
    notice_actions,
    password_attempts,
)


@password_attempts
@notice_actions
@limiter.limit(EMAIL_REQUESTS_PER_IP, methods=["POST"])
@login_required
def email():
    """Send a confirmation link to a new address; change nothing until it is used."""
    user = current_user._get_current_object()
    form = fit_to_person(EmailChangeForm())
    if form.validate_on_submit() and confirm_identity(form):
        new_email = form.new_email.data  # normalised by the field
        try:
            request_email_change(user, new_email)
        except SameEmail:
            form.new_email.errors.append("That is already your address.")
        else:
            # Re-authenticated: a fresh session token (ASVS V7.2.4), so a
            # copied cookie cannot ride along into the changed account.
            rotate_session()
            # The same words whether or not the address has an account:
            # this page never tells who is registered.
            flash(
                f"We sent a link to {new_email}. Your email changes once you open it.",
                "success",
            )
            return redirect(url_for("profile.index"), code=303)
    status = form_status(form)
    return render_template("profile/email.html", form=form, user=user), status


@form_page("profile.email", signed_in=True)
def email_page(message: str, *, limited: bool) -> str:
    """This page's form with ``message`` above it; what was typed, but never a password."""
    form = EmailChangeForm()
    form.form_errors.append(message)
    user = current_user._get_current_object()
    return render_template("profile/email.html", form=form, user=user)
