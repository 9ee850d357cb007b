"""/auth/forgot-password and /auth/reset-password/<token>."""

from flask import flash, redirect, render_template, request, url_for

from flowpulse.auth.forms import ForgotPasswordForm, ResetPasswordForm
from flowpulse.services.credentials import AccountGone, WeakPassword
from flowpulse.services.password_reset import (
    request_password_reset,
    user_for_reset_token,
)
from flowpulse.services.password_reset import (
    reset_password as reset_with_token,
)
from flowpulse.services.verification_tokens import ExpiredToken, InvalidToken
from flowpulse.web.csrf import csrf, form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.ratelimit import (
    EMAIL_REQUESTS_PER_EMAIL,
    EMAIL_REQUESTS_PER_IP,
    limiter,
    new_password_attempts,
    submitted_email,
)
from flowpulse.web.security_headers import private_page

SENT = (
    "If an account uses that address, we sent it a link to reset the password. "
    "The link works once and expires soon. If nothing arrives in a few minutes, "
    "check your spam folder or try again."
)


@csrf.exempt  # checked by the form, inside the rate limit
@limiter.limit(EMAIL_REQUESTS_PER_IP, methods=["POST"])
@limiter.limit(EMAIL_REQUESTS_PER_EMAIL, methods=["POST"], key_func=submitted_email)
def forgot_password():
    """Email a reset link; answer the same whether or not the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        flash(SENT, "success")
        return redirect(url_for("auth.login"), code=303)
    status = form_status(form)
    return render_template("auth/forgot_password.html", form=form), status


@new_password_attempts
def reset_password(token: str):
    """Show the reset form (GET does not use the link up) and set the password."""
    try:
        user = user_for_reset_token(token)
    except InvalidToken as exc:
        return _invalid_link(expired=isinstance(exc, ExpiredToken))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_with_token(token, form.password.data)
        except WeakPassword as exc:
            form.password.errors.extend(exc.problems)
        except (InvalidToken, AccountGone) as exc:
            # Someone used the link (or deleted the account) between the form and now.
            return _invalid_link(expired=isinstance(exc, ExpiredToken))
        else:
            flash("Your password was changed and every device signed out. Sign in now.", "success")
            return redirect(url_for("auth.login"), code=303)
    status = form_status(form)
    return private_page(render_template("auth/reset_password.html", form=form, user=user), status)


@form_page("auth.forgot_password")
def forgot_password_page(message: str, *, limited: bool) -> str:
    """The forgot-password form with ``message`` above it, the address as typed."""
    form = ForgotPasswordForm()
    form.form_errors.append(message)
    return render_template("auth/forgot_password.html", form=form)


@form_page("auth.reset_password")
def reset_password_page(message: str, *, limited: bool):
    """The reset form with ``message`` above it (the link is still unused)."""
    token = (request.view_args or {}).get("token", "")
    try:
        user = user_for_reset_token(token)
    except InvalidToken as exc:
        return _invalid_link(expired=isinstance(exc, ExpiredToken))
    form = ResetPasswordForm()
    form.form_errors.append(message)
    return private_page(render_template("auth/reset_password.html", form=form, user=user))


def _invalid_link(*, expired: bool):
    return private_page(render_template("auth/reset_password_invalid.html", expired=expired), 400)
