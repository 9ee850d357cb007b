"""/profile/password: change the password, knowing the current one."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from flowpulse.profile.forms import PasswordChangeForm
from flowpulse.profile.reauthentication import confirm_identity, fit_to_person
from flowpulse.services.credentials import AccountGone, WeakPassword
from flowpulse.services.password_change import change_password
from flowpulse.web.auth_cookie import answer_as_signed_out, rotate_session
from flowpulse.web.csrf import form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.ratelimit import new_password_attempts, notice_actions, password_attempts


@password_attempts
@notice_actions
@new_password_attempts
@login_required
def password():
    """Set a new password; keep this device signed in, maybe sign out the others."""
    user = current_user._get_current_object()
    form = fit_to_person(PasswordChangeForm())
    if form.validate_on_submit() and confirm_identity(form):
        end_others = bool(form.revoke_other_sessions.data)
        try:
            # This device gets a fresh token: a copy of the old cookie is dead.
            change_password(
                user,
                form.new_password.data,
                renew_session=rotate_session,
                end_other_sessions=end_others,
            )
        except WeakPassword as exc:
            form.new_password.errors.extend(exc.problems)
        except AccountGone:
            return answer_as_signed_out()
        else:
            others = " and your other devices were signed out" if end_others else ""
            flash(f"Your password was changed{others}.", "success")
            return redirect(url_for("profile.index"), code=303)
    status = form_status(form)
    return render_template("profile/password.html", form=form, user=user), status


@form_page("profile.password", signed_in=True)
def password_page(message: str, *, limited: bool) -> str:
    """This page's form with ``message`` above it; what was typed, but never a password."""
    form = PasswordChangeForm()
    form.form_errors.append(message)
    user = current_user._get_current_object()
    return render_template("profile/password.html", form=form, user=user)
