"""/profile/delete: delete the account for good, and the goodbye page after it."""

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from flowpulse.profile.forms import DeleteAccountForm
from flowpulse.profile.reauthentication import confirm_identity, fit_to_person
from flowpulse.services.account_deletion import delete_account
from flowpulse.web.auth_cookie import forget_session_cookie
from flowpulse.web.csrf import form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.ratelimit import password_attempts


@password_attempts
@login_required
def delete():
    """Delete the account, its sessions and sign-in methods, after the password."""
    user = current_user._get_current_object()
    form = fit_to_person(DeleteAccountForm())
    if form.validate_on_submit() and confirm_identity(form):
        delete_account(user)
        forget_session_cookie()
        response = redirect(url_for("profile.deleted"), code=303)
        # As on sign-out: nothing this site stored stays in the browser.
        response.headers["Clear-Site-Data"] = '"cookies", "storage"'
        return response
    status = form_status(form)
    return render_template("profile/delete.html", form=form, user=user), status


@form_page("profile.delete", signed_in=True)
def delete_page(message: str, *, limited: bool) -> str:
    """This page's form with ``message`` above it; what was typed, but never a password."""
    form = DeleteAccountForm()
    form.form_errors.append(message)
    user = current_user._get_current_object()
    return render_template("profile/delete.html", form=form, user=user)


def deleted():
    """Say goodbye; open to anyone, since the account no longer exists."""
    if current_user.is_authenticated:  # someone still signed in has an account
        return redirect(url_for("profile.index"), code=303)
    return render_template("profile/deleted.html")
