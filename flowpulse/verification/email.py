"""/verify/email/<token>: confirm an address, or an email change, with one button.

A GET only shows what the link will do: corporate mail gateways and some
mail apps open every link in a message before the person sees it, and such a
visit must neither use the link up nor sign anyone in. The page's button
POSTs (with a CSRF token) to the same URL, which uses the link.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from flowpulse.auth.completion import EMAIL_LINK, finish_sign_in
from flowpulse.services.email_verification import peek_email_link, use_email_link
from flowpulse.services.exceptions import EmailTaken
from flowpulse.services.verification_tokens import CHANGE_EMAIL, ExpiredToken, InvalidToken
from flowpulse.verification.forms import ConfirmLinkForm, ResendForm
from flowpulse.web.auth_cookie import current_session, landing_page
from flowpulse.web.browser_binding import browser_secret
from flowpulse.web.csrf import form_status
from flowpulse.web.form_pages import form_page
from flowpulse.web.security_headers import private_page

#: Where a browser that did not sign up is sent once its link confirmed the address.
CONFIRMED_SIGN_IN = "Your address is confirmed \u2014 sign in to continue."


def verify_email(token: str):
    """Show what the link will do (GET), or do it (POST from the page's button)."""
    try:
        use = peek_email_link(token)
    except InvalidToken as exc:
        return _link_refused(expired=isinstance(exc, ExpiredToken))
    form = ConfirmLinkForm()
    if form.validate_on_submit():
        return _use(token)
    return _confirmation_page(form, use)


@form_page("verification.verify_email")
def confirmation_page_with(message: str, *, limited: bool = False):
    """The link's page again with ``message`` (its button's token had expired)."""
    token = (request.view_args or {}).get("token", "")
    try:
        use = peek_email_link(token)
    except InvalidToken as exc:
        return _link_refused(expired=isinstance(exc, ExpiredToken))
    form = ConfirmLinkForm()
    form.form_errors.append(message)
    return _confirmation_page(form, use)


def _confirmation_page(form: ConfirmLinkForm, use):
    page = render_template(
        "verification/confirm.html",
        form=form,
        use=use,
        # The account's current address only to the account itself: the page
        # shows a stranger holding the link nothing but where it was sent.
        owner_signed_in=_signed_in_as(use.user.id),
    )
    return private_page(page, form_status(form))


def _use(token: str):
    session_row = current_session()
    try:
        used = use_email_link(
            token,
            browser_secret=browser_secret(),
            keep_session_id=session_row.id if session_row else None,
        )
    except EmailTaken:
        return _link_refused("That address can no longer be used for this account.")
    except InvalidToken as exc:
        # Used by another click between the page and the button.
        return _link_refused(expired=isinstance(exc, ExpiredToken))
    if used.purpose == CHANGE_EMAIL:
        if _signed_in_as(used.user.id):
            flash(f"Your email address is now {used.user.email}.", "success")
            return redirect(landing_page(), code=303)
        flash(f"Your email address is now {used.user.email}. Sign in to continue.", "success")
        return redirect(url_for("auth.login"), code=303)
    if used.signs_in:
        # The one seam into a session: an account with a second factor gets its
        # step; the welcome is said once the session starts.
        return finish_sign_in(used.user, remember=False, method=EMAIL_LINK)
    if _signed_in_as(used.user.id):
        flash("Your email address is verified.", "success")
        return redirect(landing_page(), code=303)
    flash(CONFIRMED_SIGN_IN, "success")
    return redirect(url_for("auth.login"), code=303)


def _signed_in_as(user_id: str) -> bool:
    return current_user.is_authenticated and current_user.id == user_id


def _link_refused(reason: str | None = None, *, expired: bool = False):
    page = render_template(
        "verification/invalid_link.html", expired=expired, reason=reason, form=ResendForm()
    )
    return private_page(page, 400)
