"""What a finished provider flow leads to, by its purpose, and the pages that say so.

Every refusal is a friendly page with a 4xx status (502/503 when the
provider itself failed) that shows only FlowPulse's own words: a provider's
``error_description`` is never shown.
"""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from flowpulse.auth.completion import finish_sign_in, refuse_unverified, remember_sign_in
from flowpulse.services.credentials import AccountGone, EmailNotVerified
from flowpulse.services.provider_tokens import linked_account
from flowpulse.services.social_accounts import (
    AlreadyConnected,
    EmailNotVouched,
    IdentityTaken,
    NoEmail,
    connect,
    sign_in_with,
)
from flowpulse.social import flow
from flowpulse.social.identity import Identity
from flowpulse.web.auth_cookie import landing_page
from flowpulse.web.redirects import safe_next_url


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
        user = sign_in_with(identity)
    except NoEmail:
        message = (
            f"{provider.name} did not share an email address with us, and an account needs "
            f"one. Allow {provider.name} to share your email, or sign up with a password."
        )
        return problem("No email address", message, 400, provider=provider)
    except EmailNotVouched:
        message = (
            f"An account already uses the email address of this {provider.name} account, "
            f"and {provider.name} does not confirm the address is yours. Sign in the way "
            f"you usually do, then connect {provider.name} from your profile's sign-in methods."
        )
        return problem("Sign in the usual way first", message, 409, provider=provider)
    except EmailNotVerified as exc:
        return refuse_unverified(exc.user)
    return finish_sign_in(user, remember=False, method=provider.id, next_url=started["next"])


def _connect(identity: Identity, started: dict):
    provider = identity.provider
    user = current_user._get_current_object()
    try:
        connected = connect(user, identity)
    except IdentityTaken:
        message = (
            f"This {provider.name} account is already connected to another FlowPulse "
            "account. Disconnect it there first."
        )
        return problem("Already connected elsewhere", message, 409, provider=provider)
    except AlreadyConnected:
        message = f"Another {provider.name} account is connected already: disconnect it first."
        return problem("Already connected", message, 409, provider=provider)
    except AccountGone:
        return failed(provider)
    remember_sign_in(user, provider.id)
    note = "is now connected" if connected else "was already connected"
    flash(f"{provider.name} {note}: you can sign in with it.", "success")
    return redirect(url_for("profile.accounts"), code=303)


def _reauthenticate(identity: Identity, started: dict):
    provider = identity.provider
    user = current_user._get_current_object()
    account = linked_account(provider.id, identity.account_id)
    if account is None or account.user_id != user.id:
        message = f"That {provider.name} account is not the one connected to your account."
        return problem("Another account", message, 400, provider=provider)
    remember_sign_in(user, provider.id)
    flash("Thanks: you confirmed it is you.", "success")
    return redirect(safe_next_url(started["next"]) or landing_page(), code=303)
