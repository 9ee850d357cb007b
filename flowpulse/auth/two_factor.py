"""/auth/two-factor: a sign-in's second step: an app's code, a recovery code, or a passkey.

A passkey is offered as the second step only after another first factor (a
password, a provider): a passkey that signed in without verifying the person
cannot also be its own second factor.
"""

from flask import flash, redirect, render_template, url_for

from flowpulse.auth import second_step
from flowpulse.auth.completion import PASSKEY, complete_sign_in
from flowpulse.auth.forms import TwoFactorForm
from flowpulse.auth.passkey import verify
from flowpulse.core import audit, relying_party
from flowpulse.core.models import PendingSignIn
from flowpulse.services import passkeys, pending_sign_ins, trusted_devices
from flowpulse.services.two_factor import WrongCode, check_code
from flowpulse.web import webauthn_challenges as challenges
from flowpulse.web.attempt_outcomes import count_failure, no_failure, said_no_failure
from flowpulse.web.csrf import csrf, form_status
from flowpulse.web.json_api import Refused, answer, as_json, json_body
from flowpulse.web.ratelimit import (
    LOGIN_PER_EMAIL,
    LOGIN_PER_EMAIL_SCOPE,
    LOGIN_PER_IP,
    LOGIN_PER_IP_SCOPE,
    PASSKEY_OPTIONS_PER_IP,
    attempt_limit,
    limiter,
)

WRONG_CODE = "That code is not right. Codes work once; wait for the next one."
START_OVER = "Please sign in again: that sign-in waited too long or had too many wrong codes."


def spends_sign_in_attempts(view):
    """Count a second step's failures against the IP and the account's own sign-in attempts.

    Wrong codes (or passkey answers) spend the account's bucket wherever they
    come from, like wrong passwords do. An attempt is given back only when
    the view says it was no failure: the wrong code that ends a pending
    sign-in answers with a redirect, and is a guess all the same.
    """
    per_email = attempt_limit(
        LOGIN_PER_EMAIL,
        scope=LOGIN_PER_EMAIL_SCOPE,
        key_func=second_step.pending_email,
        refund_when=said_no_failure,
    )
    per_ip = attempt_limit(LOGIN_PER_IP, scope=LOGIN_PER_IP_SCOPE, refund_when=said_no_failure)
    return per_ip(per_email(view))


@csrf.exempt  # checked by the form, inside the rate limit
@spends_sign_in_attempts
def two_factor():
    """Ask for the second factor of a sign-in proven by a first factor."""
    held = second_step.pending()
    if held is None:
        no_failure()  # no code was checked
        return _start_over()
    form = TwoFactorForm()
    if not form.validate_on_submit():
        no_failure()  # no code was checked
    else:
        try:
            kind = check_code(held.user, form.code.data)
        except WrongCode:
            count_failure()
            audit.record("sign-in.second-step-failed", user=held.user_id)
            if not pending_sign_ins.count_wrong_code(held):
                return _start_over()
            form.code.errors.append(WRONG_CODE)
        else:
            return _signed_in(held, kind, trust=bool(form.trust_device.data))
    page = render_template("auth/two_factor.html", form=form, passkey=_passkey_step_for(held))
    return page, form_status(form)


@limiter.limit(PASSKEY_OPTIONS_PER_IP, methods=["POST"])
def passkey_options():
    """A challenge only the pending account's passkeys can answer."""
    held = second_step.pending()
    if held is None or not _passkey_step_for(held):
        raise Refused(400, START_OVER)
    challenge = challenges.issue(challenges.SECOND_STEP, user_id=held.user_id)
    allow = [row.credential_id for row in passkeys.passkeys_of(held.user)]
    return answer(**relying_party.authentication_options(challenge=challenge, allow=allow))


@spends_sign_in_attempts
def passkey():
    """Pass the second step with one of the pending account's passkeys."""
    body = json_body()
    held = second_step.pending()
    if held is None or not _passkey_step_for(held):
        raise Refused(400, START_OVER)
    try:
        verify(body, challenges.SECOND_STEP, user=held.user)
    except Refused:
        count_failure()
        audit.record("sign-in.second-step-failed", user=held.user_id)
        if not pending_sign_ins.count_wrong_code(held):
            second_step.forget()
            raise Refused(400, START_OVER) from None
        raise
    return as_json(_signed_in(held, PASSKEY, trust=bool(body.get("trust_device"))))


def _passkey_step_for(held: PendingSignIn) -> bool:
    """Whether a passkey may be this sign-in's second step (not after a passkey)."""
    if held.method == PASSKEY or not relying_party.available():
        return False
    return passkeys.has_passkeys(held.user)


def _start_over():
    second_step.forget()
    flash(START_OVER, "info")
    return redirect(url_for("auth.login"), code=303)


def _signed_in(held: PendingSignIn, kind: str, *, trust: bool):
    """Use the pending sign-in up and start the session (only the request that used it)."""
    if not pending_sign_ins.take(held):
        return _start_over()  # a parallel request with the same cookie finished it first
    no_failure()
    second_step.forget()
    user = held.user
    audit.record("sign-in.second-step-passed", user=user.id, method=kind)
    response = complete_sign_in(
        user,
        remember=held.remember,
        method=held.method,
        next_url=held.next_url,
        carried=pending_sign_ins.carried(held),
    )
    if trust:
        second_step.set_trust_cookie(response, trusted_devices.trust(user))
    return response
