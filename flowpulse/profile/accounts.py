"""/profile/accounts: the sign-in methods page; connecting and disconnecting providers."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from flowpulse.auth.oauth import begin, configured_provider
from flowpulse.profile.forms import ConnectForm
from flowpulse.profile.reauthentication import confirm_identity, fit_to_person
from flowpulse.services.credentials import AccountGone
from flowpulse.services.provider_tokens import identity_label
from flowpulse.services.social_accounts import disconnect, ways_in
from flowpulse.services.ways_in import LastWayIn
from flowpulse.social import flow
from flowpulse.web.auth_cookie import answer_as_signed_out
from flowpulse.web.csrf import form_status
from flowpulse.web.ratelimit import notice_actions, password_attempts

LAST_WAY_IN = (
    "This is the only way you can sign in: set a password (through \u201cforgot "
    "password\u201d) or connect another provider before disconnecting it."
)


def _page(form, status: int = 200, *, tried: str | None = None):
    """The page; ``form`` (with its errors) belongs to the provider ``tried``, if any."""
    user = current_user._get_current_object()
    password_set, linked = ways_in(user)
    by_provider = {account.provider_id: account for account in linked}
    configured = current_app.extensions["flowpulse.social.providers"]
    rows = [(provider, by_provider.pop(provider.id, None)) for provider in configured.values()]
    page = render_template(
        "profile/accounts.html",
        form=form,
        # Every other provider's connect form starts empty: one password error, one place.
        blank=fit_to_person(ConnectForm(formdata=None)) if tried else form,
        tried=tried,
        user=user,
        password_set=password_set,
        rows=rows,
        # Identities of providers no longer configured can still be removed.
        unconfigured=list(by_provider.values()),
        label=identity_label,
    )
    return page, status


@login_required
def accounts():
    """List the password and every provider: connected as whom, or a connect button."""
    return _page(fit_to_person(ConnectForm()))


@password_attempts
@notice_actions  # connecting starts here; its notice goes when the provider answers
@login_required
def connect(provider: str):
    """Start connecting a provider, once the person proved it is them."""
    chosen = configured_provider(provider)
    form = fit_to_person(ConnectForm())
    if form.validate_on_submit() and confirm_identity(form):
        return begin(chosen, intent=flow.CONNECT, next_url=None, user_id=current_user.id)
    return _page(form, form_status(form), tried=chosen.id)


@notice_actions
@login_required
def disconnect_account(account_id: str):
    """Remove one of the person's provider identities (another person's is a 404)."""
    try:
        account = disconnect(current_user._get_current_object(), account_id)
    except LookupError:
        abort(404)
    except AccountGone:
        return answer_as_signed_out()
    except LastWayIn:
        form = fit_to_person(ConnectForm(formdata=None))
        form.form_errors.append(LAST_WAY_IN)
        return _page(form, 409)
    provider = current_app.extensions["flowpulse.social.providers"].get(account.provider_id)
    flash(f"{provider.name if provider else account.provider_id} was disconnected.", "success")
    return redirect(url_for("profile.accounts"), code=303)
