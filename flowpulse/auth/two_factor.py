"""/auth/two-factor: the second step of a sign-in, a code from the app or a recovery code."""

from flask import flash, redirect, render_template, url_for

from flowpulse.auth import second_step
from flowpulse.auth.completion import PASSWORD, complete_sign_in
from flowpulse.auth.forms import TwoFactorForm
from flowpulse.core import audit
from flowpulse.services import trusted_devices
from flowpulse.services.two_factor import WrongCode, check_code
from flowpulse.web.csrf import csrf, form_status
from flowpulse.web.ratelimit import (
    LOGIN_PER_EMAIL,
    LOGIN_PER_EMAIL_SCOPE,
    LOGIN_PER_IP,
    LOGIN_PER_IP_SCOPE,
    attempt_limit,
    failed,
)

WRONG_CODE = "That code is not right. Codes work once; wait for the next one."
START_OVER = "Please sign in again: that sign-in waited too long or had too many wrong codes."


@csrf.exempt  # checked by the form, inside the rate limit
@attempt_limit(LOGIN_PER_IP, scope=LOGIN_PER_IP_SCOPE, refund_when=lambda r: not failed(r))
# Wrong codes spend the account's own sign-in attempts, wherever they come from.
@attempt_limit(
    LOGIN_PER_EMAIL,
    scope=LOGIN_PER_EMAIL_SCOPE,
    key_func=second_step.pending_email,
    refund_when=lambda r: not failed(r),
)
def two_factor():
    """Ask for the second factor of a sign-in proven by a password."""
    held, user = second_step.pending(), second_step.pending_user()
    if held is None or user is None:
        second_step.forget()
        flash(START_OVER, "info")
        return redirect(url_for("auth.login"), code=303)
    form = TwoFactorForm()
    if form.validate_on_submit():
        try:
            kind = check_code(user, form.code.data)
        except WrongCode:
            audit.record("sign-in.second-step-failed", user=user.id)
            if not second_step.count_wrong_code():
                flash(START_OVER, "info")
                return redirect(url_for("auth.login"), code=303)
            form.code.errors.append(WRONG_CODE)
        else:
            return _signed_in(user, held, kind, trust=bool(form.trust_device.data))
    return render_template("auth/two_factor.html", form=form), form_status(form)


def _signed_in(user, held: dict, kind: str, *, trust: bool):
    second_step.forget()
    audit.record("sign-in.second-step-passed", user=user.id, method=kind)
    response = complete_sign_in(
        user,
        remember=bool(held.get("remember")),
        method=held.get("method") or PASSWORD,
        next_url=held.get("next"),
    )
    if trust:
        second_step.set_trust_cookie(response, trusted_devices.trust(user))
    return response
