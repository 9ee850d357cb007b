"""/profile/two-factor: an authenticator app as a second factor, and its recovery codes."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from flowpulse.core import crypto, totp
from flowpulse.core.recovery_codes import CODES_PER_SET
from flowpulse.profile.reauthentication import confirm_identity, fit_to_person
from flowpulse.profile.two_factor_forms import ConfirmWithPasswordForm, EnableAppForm
from flowpulse.services import two_factor as factors
from flowpulse.web.auth_cookie import current_session
from flowpulse.web.csrf import form_status
from flowpulse.web.ratelimit import notice_actions, password_attempts

#: Where the app's secret waits (encrypted) between showing the QR code and the first code.
SETUP_KEY = "two_factor_setup"
#: Where new recovery codes wait (encrypted) for the one page that shows them.
CODES_KEY = "recovery_codes"


@login_required
def two_factor():
    """Show whether an authenticator app is on and how many recovery codes are left."""
    return _overview()


@password_attempts
@notice_actions
@login_required
def two_factor_totp():
    """Show the QR code and the key; turn the app on with its first code and the password."""
    user = current_user._get_current_object()
    if factors.is_required(user):
        return redirect(url_for("profile.two_factor"), code=303)
    secret = _setup_secret()
    form = fit_to_person(EnableAppForm())
    if form.validate_on_submit() and confirm_identity(form):
        try:
            codes = factors.enable(
                user,
                secret,
                form.code.data,
                keep_session_id=current_session().id,
                end_other_sessions=bool(form.revoke_other_sessions.data),
            )
        except factors.WrongCode:
            form.code.errors.append(
                "That code is not right. Check the app's clock, or wait for the next code."
            )
        except factors.AlreadyOn:
            return redirect(url_for("profile.two_factor"), code=303)
        else:
            session.pop(SETUP_KEY, None)
            flash("Two-factor sign-in is on. Keep these recovery codes somewhere safe.", "success")
            return _show_codes_once(codes)
    uri = factors.provisioning(user, secret)
    page = render_template(
        "profile/two_factor_app.html",
        form=form,
        qr=totp.qr_svg(uri),
        key=totp.grouped(secret),
        uri=uri,
    )
    return page, form_status(form)


@password_attempts
@notice_actions
@login_required
def two_factor_disable():
    """Turn the second factor off, after the password."""
    form = fit_to_person(ConfirmWithPasswordForm())
    if form.validate_on_submit() and confirm_identity(form):
        factors.disable(current_user._get_current_object())
        flash("Two-factor sign-in is off. Your password alone signs in now.", "success")
        return redirect(url_for("profile.two_factor"), code=303)
    return _overview(off_form=form)


@password_attempts
@notice_actions
@login_required
def recovery_codes():
    """POST: make new recovery codes (after the password); GET: show new ones, once."""
    if request.method == "GET":
        return _codes_page()
    form = fit_to_person(ConfirmWithPasswordForm())
    if form.validate_on_submit() and confirm_identity(form):
        try:
            codes = factors.new_recovery_codes(current_user._get_current_object())
        except factors.WrongCode:
            abort(404)
        flash("Your new recovery codes are below; the old ones no longer work.", "success")
        return _show_codes_once(codes)
    return _overview(codes_form=form)


def _overview(*, codes_form=None, off_form=None):
    """The overview; a form sent back with an error shows it in its own place."""
    page = render_template(
        "profile/two_factor.html",
        status=factors.status_of(current_user),
        codes_form=codes_form or fit_to_person(ConfirmWithPasswordForm(formdata=None)),
        off_form=off_form or fit_to_person(ConfirmWithPasswordForm(formdata=None)),
    )
    failed = codes_form or off_form
    return page, form_status(failed) if failed else 200


def _setup_secret() -> str:
    """The secret this browser is setting up: made once, kept encrypted in its session."""
    stored = session.get(SETUP_KEY)
    if isinstance(stored, str):
        try:
            return crypto.decrypt(stored)
        except crypto.InvalidToken:
            pass  # keys rotated meanwhile: start with a new secret
    secret = totp.new_secret()
    session[SETUP_KEY] = crypto.encrypt(secret)
    return secret


def _show_codes_once(codes: list[str]):
    session[CODES_KEY] = crypto.encrypt("\n".join(codes))
    return redirect(url_for("profile.recovery_codes"), code=303)


def _codes_page():
    stored = session.pop(CODES_KEY, None)
    if not isinstance(stored, str):
        return redirect(url_for("profile.two_factor"), code=303)
    codes = crypto.decrypt(stored).split("\n")
    text = "\n".join(codes) + "\n"
    return render_template(
        "profile/recovery_codes.html", codes=codes, text=text, count=CODES_PER_SET
    )
