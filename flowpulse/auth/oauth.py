"""/auth/oauth/<provider> and its callback: sign in, sign up or connect with a provider.

The start is a POST with a CSRF token (no page can make a visitor start a
flow, nor so sign them into someone else's account), counted per client IP
before anything else. The callback is counted per IP too: each one costs a
token exchange with the provider.
"""

import logging

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_login import current_user

from flowpulse.auth import oauth_outcomes as outcomes
from flowpulse.auth.forms import ProviderForm
from flowpulse.core import audit
from flowpulse.services.provider_tokens import account_of
from flowpulse.social import flow
from flowpulse.social.clients import ProviderUnavailable
from flowpulse.social.errors import FlowFailed, ProviderDenied
from flowpulse.social.providers import Provider
from flowpulse.web.auth_cookie import landing_page
from flowpulse.web.csrf import CSRF_FAILED, csrf
from flowpulse.web.ratelimit import OAUTH_CALLBACKS_PER_IP, OAUTH_STARTS_PER_IP, limiter
from flowpulse.web.redirects import safe_next_url
from flowpulse.web.security_headers import PRIVATE_PAGE_HEADERS

log = logging.getLogger(__name__)

#: The fields of an authorization response FlowPulse reads (never the error's text).
ANSWER_FIELDS = ("code", "state", "iss", "error")


def configured_provider(provider_id: str) -> Provider:
    """Return a configured provider, or answer 404."""
    provider = current_app.extensions["flowpulse.social.providers"].get(provider_id)
    if provider is None:
        abort(404)
    return provider


# CSRF: Flask-WTF's global check (after the rate limit, which runs first).
@limiter.limit(OAUTH_STARTS_PER_IP, methods=["POST"])
def start(provider: str):
    """Send this browser to the provider: sign in (or up), or re-authenticate if signed in."""
    chosen = configured_provider(provider)
    form = ProviderForm()
    if not form.validate_on_submit():
        return outcomes.problem("Form expired", CSRF_FAILED, 400)
    intent, user_id = flow.SIGN_IN, None
    if current_user.is_authenticated:
        # Signed in, a provider button re-proves who this is (for a sensitive change).
        if account_of(current_user, chosen.id) is None:
            return redirect(landing_page(), code=303)
        intent, user_id = flow.REAUTHENTICATE, current_user.id
    return begin(chosen, intent=intent, next_url=form.next.data, user_id=user_id)


def begin(chosen: Provider, *, intent: str, next_url: str | None, user_id=None):
    """Start a flow and redirect to the provider; a provider that is down gets a friendly page."""
    try:
        url = flow.start(chosen, intent=intent, next_url=safe_next_url(next_url), user_id=user_id)
    except ProviderUnavailable as error:
        log.warning("provider unavailable at the start of a flow: %r", str(error))
        return outcomes.provider_down(chosen, error.status)
    return redirect(url, code=303)


# The provider's form_post page posts here from its own origin: no CSRF token
# can come with it, and SameSite=Lax keeps this browser's cookies (so its
# flow) out of such a cross-site POST anyway. Nothing is done with it here:
# the fields are relayed to the GET below, a same-site navigation that
# carries the cookies, where state ties the answer to this browser's flow.
@csrf.exempt  # the form_post POST comes from the provider's page, cross-site (see above)
@limiter.limit(OAUTH_CALLBACKS_PER_IP, methods=["GET", "POST"])
def callback(provider: str):
    """Finish the flow this browser started with ``provider``."""
    chosen = configured_provider(provider)
    if request.method == "POST" and "state" in request.form:
        fields = {key: request.form[key] for key in ANSWER_FIELDS if key in request.form}
        response = redirect(url_for("auth.oauth_callback", provider=chosen.id, **fields), 303)
    elif request.method == "POST":
        response = make_response(outcomes.failed(chosen))  # not an authorization response
    else:
        response = make_response(_finish(chosen))
    # The URL carries the code: no Referer, no cache.
    response.headers.update(PRIVATE_PAGE_HEADERS)
    return response


def _finish(chosen: Provider):
    try:
        identity, started = flow.finish(chosen, request.args)
    except ProviderDenied as refusal:
        _refused(chosen, refusal, "sign-in.provider-denied")
        return outcomes.denied(chosen)
    except FlowFailed as failure:
        _refused(chosen, failure, "sign-in.provider-refused")
        return outcomes.failed(chosen)
    except ProviderUnavailable as error:
        log.warning("provider unavailable during a callback: %r", str(error))
        return outcomes.provider_down(chosen, error.status)
    return outcomes.complete(identity, started)


def _refused(chosen: Provider, reason: Exception, event: str) -> None:
    # repr: a provider's text may hold anything, control characters included.
    log.warning("%s callback refused: %r", chosen.id, str(reason)[:300])
    audit.record(event, provider=chosen.id)
