"""What a finished provider flow leads to, by its purpose, and the pages that say so.

Every refusal is a friendly page with a 4xx status (502/503 when the
provider itself failed) that shows only FlowPulse's own words: a provider's
``error_description`` is never shown.
"""

import logging

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from flowpulse.auth.completion import finish_sign_in, refuse_unverified, remember_sign_in
from flowpulse.core import audit
from flowpulse.services.credentials import AccountGone, EmailNotVerified
from flowpulse.services.signup_policy import SignUpRefused
from flowpulse.services.social_accounts import (
    AlreadyConnected,
    EmailNotVouched,
    IdentityTaken,
    IssuerChanged,
    NoEmail,
    connect,
    linked_identity,
    sign_in_with,
)
from flowpulse.social import flow
from flowpulse.social.identity import Identity
from flowpulse.web.auth_cookie import landing_page
from flowpulse.web.redirects import safe_next_url

log = logging.getLogger(__name__)


def problem(title: str, message: str, status: int, *, provider=None):
    """Render the provider problem page."""
    page = render_template(
        "auth/oauth_problem.html", title=title, message=message, provider=provider
    )
    return page, status


def failed(provider):
    return problem(
        "Sign-in did not complete",
        f"Signing in with {provider.name} did not complete: the answer did not match a "
        "sign-in started in this browser, or it came too late. Please try again from "
        "the sign-in page.",
        400,
        provider=provider,
    )


def denied(provider):
    return problem(
        "Sign-in cancelled",
        f"{provider.name} did not let you sign in (you may have cancelled). Nothing was "
        "changed. You can try again, or sign in another way.",
        400,
        provider=provider,
    )


def provider_down(provider, status: int):
    return problem(
        f"{provider.name} is not answering",
        f"We could not reach {provider.name} just now. Please try again in a few minutes, "
        "or sign in another way.",
        status,
        provider=provider,
    )


def not_vouched(provider):
    """The one answer to an identity whose address the provider does not vouch for.

    The same status and words whether the address is new, registered and
    verified, or registered and not: the page tells nobody who has an account.
    """
    return problem(
        "Sign in the usual way first",
        f"{provider.name} hasn't confirmed that this address is yours, so it can't sign you "
        f"in yet. Sign in (or sign up) the usual way, then connect {provider.name} from your "
        "profile's sign-in methods.",
        403,
        provider=provider,
    )


def issuer_changed(provider, error: IssuerChanged):
    """Refuse an identity linked from another issuer than the provider's current one."""
    log.warning("%s identity refused: its issuer changed (%r)", provider.id, str(error)[:300])
    audit.record("sign-in.issuer-changed", provider=provider.id)
    return problem(
        f"This {provider.name} account can't sign in here",
        f"This {provider.name} account was connected while {provider.name} sign-in was set up "
        "differently, so it can't sign in now. Sign in another way, or ask the site's operator.",
        403,
        provider=provider,
    )


def complete(identity: Identity, started: dict):
    """Do what the flow was started for."""
    if started["intent"] == flow.SIGN_IN:
        return _sign_in(identity, started)
    if not current_user.is_authenticated or current_user.id != started["user"]:
        return failed(identity.provider)  # signed out, or someone else, meanwhile
    if started["intent"] == flow.CONNECT:
        return _connect(identity, started)
    return _reauthenticate(identity, started)


def _sign_in(identity: Identity, started: dict):
    provider = identity.provider
    try:
        found = sign_in_with(identity)
    except NoEmail:
        message = (
            f"{provider.name} did not share an email address with us, and an account needs "
            f"one. Allow {provider.name} to share your email, or sign up with a password."
        )
        return problem("No email address", message, 400, provider=provider)
    except EmailNotVouched:
        return not_vouched(provider)
    except SignUpRefused as refusal:
        # Only a new address is asked about: nothing was written.
        return problem("No new account", refusal.message, 403, provider=provider)
    except IssuerChanged as error:
        return issuer_changed(provider, error)
    except EmailNotVerified as exc:
        return refuse_unverified(exc.user)
    carried = {"link": identity.carried()} if found.link_later else None
    return finish_sign_in(
        found.user, remember=False, method=provider.id, next_url=started["next"], carried=carried
    )


def _connect(identity: Identity, started: dict):
    provider = identity.provider
    user = current_user._get_current_object()
    try:
        connected = connect(user, identity)
    except IdentityTaken:
        message = (
            f"This {provider.name} account is already connected to another "
            f"{current_app.config['SITE_NAME']} account. Disconnect it there first."
        )
        return problem("Already connected elsewhere", message, 409, provider=provider)
    except AlreadyConnected:
        message = f"Another {provider.name} account is connected already: disconnect it first."
        return problem("Already connected", message, 409, provider=provider)
    except IssuerChanged as error:
        return issuer_changed(provider, error)
    except AccountGone:
        return failed(provider)
    remember_sign_in(user, provider.id)
    note = "is now connected" if connected else "was already connected"
    flash(f"{provider.name} {note}: you can sign in with it.", "success")
    return redirect(url_for("profile.accounts"), code=303)


def _reauthenticate(identity: Identity, started: dict):
    provider = identity.provider
    user = current_user._get_current_object()
    try:
        account = linked_identity(identity)
    except IssuerChanged as error:
        return issuer_changed(provider, error)
    if account is None or account.user_id != user.id:
        message = f"That {provider.name} account is not the one connected to your account."
        return problem("Another account", message, 400, provider=provider)
    remember_sign_in(user, provider.id)
    flash("Thanks: you confirmed it is you.", "success")
    return redirect(safe_next_url(started["next"]) or landing_page(), code=303)
