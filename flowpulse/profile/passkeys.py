"""/profile/passkeys: the person's passkeys — adding one, renaming, deleting.

Adding is a WebAuthn ceremony run by ``static/passkeys.js``: the options
(``/profile/passkeys/options``) are given only after the person proved it is
them (the current password, or a sign-in here in the last five minutes),
and the challenge they carry is bound to this account, so the new credential
(``POST /profile/passkeys``) needs no second proof. Renaming is an ordinary
form; deleting asks for the same proof as adding.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from flowpulse.auth.completion import recently_signed_in
from flowpulse.core import relying_party
from flowpulse.core.text import InvalidName, display_name
from flowpulse.profile.passkey_forms import AddPasskeyForm, DeletePasskeyForm, RenamePasskeyForm
from flowpulse.profile.reauthentication import (
    CONFIRM_WITH_PROVIDER,
    WRONG_PASSWORD,
    confirm_identity,
    fit_to_fresh_sign_in,
)
from flowpulse.services import passkeys as keys
from flowpulse.services.credentials import AccountGone, password_matches
from flowpulse.services.social_accounts import has_password
from flowpulse.web import webauthn_challenges as challenges
from flowpulse.web.attempt_outcomes import count_failure
from flowpulse.web.auth_cookie import answer_as_signed_out
from flowpulse.web.csrf import form_status
from flowpulse.web.json_api import Refused, answer, json_body
from flowpulse.web.ratelimit import (
    PASSKEY_OPTIONS_PER_IP,
    limiter,
    notice_actions,
    password_attempts,
)

TOO_MANY = (
    f"You have {keys.MAX_PASSKEYS} passkeys, the most one account can have: delete one first."
)
TAKEN = "This passkey is registered already."
NOT_VERIFIED = "The new passkey could not be verified. Please try again."
LAST_WAY_IN = (
    "This passkey is the only way you can sign in: set a password (through \u201cforgot "
    "password\u201d) or connect a provider before deleting it."
)
PASSWORD_NEEDED = "Type your current password to add a passkey."  # noqa: S105 (a message)


def _user():
    return current_user._get_current_object()


def _page(*, add_form=None, rename_form=None, renaming: str | None = None, status: int = 200):
    user = _user()
    page = render_template(
        "profile/passkeys.html",
        passkeys=keys.passkeys_of(user),
        add_form=add_form or fit_to_fresh_sign_in(AddPasskeyForm(formdata=None)),
        rename_form=rename_form or RenamePasskeyForm(formdata=None),
        renaming=renaming,
        most=keys.MAX_PASSKEYS,
        needs_a_name=relying_party.NEEDS_A_NAME,
    )
    return page, status


@login_required
def passkeys():
    """List the person's passkeys, with a button to add one where the browser can."""
    return _page()


@password_attempts
@notice_actions  # adding a passkey starts here; its notice goes when it is kept
@limiter.limit(PASSKEY_OPTIONS_PER_IP, methods=["POST"])
@login_required
def options():
    """Registration options, once the person proved it is them (JSON)."""
    user, body = _user(), json_body()
    _confirm_for_ceremony(user, body.get("current_password"))
    _checked_name(body.get("name"))
    challenge = challenges.issue(challenges.REGISTER, user_id=user.id)
    try:
        return answer(**keys.registration_options(user, challenge))
    except keys.TooManyPasskeys:
        raise Refused(409, TOO_MANY) from None


@login_required
def add():
    """Keep the new credential the browser made under the options' challenge (JSON)."""
    user, body = _user(), json_body()
    name = _checked_name(body.get("name"))
    try:
        challenge = challenges.take(challenges.REGISTER, user_id=user.id)
    except challenges.NoChallenge:
        raise Refused(400, "This passkey prompt expired. Please try again.") from None
    try:
        passkey = keys.register(user, body.get("credential"), challenge, name=name)
    except keys.CeremonyFailed:
        raise Refused(400, NOT_VERIFIED) from None
    except keys.TooManyPasskeys:
        raise Refused(409, TOO_MANY) from None
    except keys.CredentialTaken:
        raise Refused(409, TAKEN) from None
    except AccountGone:
        raise Refused(401, "Please sign in to continue.") from None
    flash(f"Passkey \u201c{passkey.name}\u201d added: you can sign in with it now.", "success")
    return answer(redirect=url_for("profile.passkeys"))


@login_required
def rename(passkey_id: str):
    """Give one of the person's passkeys a new name."""
    form = RenamePasskeyForm()
    if not form.validate_on_submit():
        return _page(rename_form=form, renaming=passkey_id, status=form_status(form))
    try:
        passkey = keys.rename(_user(), passkey_id, form.name.data)
    except LookupError:
        abort(404)
    flash(f"Renamed to \u201c{passkey.name}\u201d.", "success")
    return redirect(url_for("profile.passkeys"), code=303)


@password_attempts
@notice_actions
@login_required
def delete(passkey_id: str):
    """GET: ask to confirm; POST: delete, once the person proved it is them."""
    try:
        passkey = keys.own(_user(), passkey_id)
    except LookupError:
        abort(404)
    form = fit_to_fresh_sign_in(DeletePasskeyForm())
    status = 200
    if form.validate_on_submit() and confirm_identity(form):
        try:
            keys.delete(_user(), passkey.id)
        except AccountGone:
            return answer_as_signed_out()
        except keys.LastWayIn:
            form.form_errors.append(LAST_WAY_IN)
            status = 409
        else:
            flash(f"Passkey \u201c{passkey.name}\u201d deleted: it no longer signs in.", "success")
            return redirect(url_for("profile.passkeys"), code=303)
    page = render_template("profile/passkey_delete.html", form=form, passkey=passkey)
    return page, status if status != 200 else form_status(form)


def _confirm_for_ceremony(user, typed) -> None:
    """The proof adding a passkey needs; ``Refused`` (403) saying what is missing."""
    if recently_signed_in(user):
        return
    if not has_password(user):
        raise Refused(403, CONFIRM_WITH_PROVIDER)
    if not isinstance(typed, str) or not typed:
        raise Refused(403, PASSWORD_NEEDED)
    if not password_matches(user, typed[:4096]):
        count_failure()
        raise Refused(403, WRONG_PASSWORD)


def _checked_name(raw) -> str | None:
    """The name the person typed for the new passkey (None: use the provider's)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return display_name(raw if isinstance(raw, str) else "", keys.MAX_NAME_LENGTH)
    except InvalidName as exc:
        raise Refused(422, f"Passkey name: {exc}") from None
