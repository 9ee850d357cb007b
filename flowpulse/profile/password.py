"""/profile/password: change the password, knowing the current one."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from flowpulse.csrf import form_status
from flowpulse.login import rotate_session
from flowpulse.profile.forms import PasswordChangeForm
from flowpulse.profile.reauthentication import confirm_current_password
from flowpulse.ratelimit import password_attempts
from flowpulse.services.credentials import WeakPassword
from flowpulse.services.password_change import change_password


@password_attempts
@login_required
def password():
    """Set a new password; keep this device signed in, maybe sign out the others."""
    user = current_user._get_current_object()
    form = PasswordChangeForm()
    if form.validate_on_submit() and confirm_current_password(form.current_password):
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
        else:
            others = " and your other devices were signed out" if end_others else ""
            flash(f"Your password was changed{others}.", "success")
            return redirect(url_for("profile.index"), code=303)
    status = form_status(form)
    return render_template("profile/password.html", form=form, user=user), status
