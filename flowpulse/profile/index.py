"""/profile: the signed-in person's name, picture and address."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from flowpulse.profile.forms import ProfileForm
from flowpulse.services.profile import update_profile
from flowpulse.web.csrf import form_status
from flowpulse.web.form_pages import form_page


@login_required
def index():
    """Show the profile and save a new name or picture."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        update_profile(user, name=form.name.data, image=form.image.data)
        flash("Your profile was saved.", "success")
        return redirect(url_for("profile.index"), code=303)
    status = form_status(form)
    return render_template("profile/index.html", form=form, user=user), status


@form_page("profile.index", signed_in=True)
def profile_page(message: str, *, limited: bool = False) -> str:
    """The profile page with ``message`` above its form; name and picture as typed."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    form.form_errors.append(message)
    return render_template("profile/index.html", form=form, user=user)
