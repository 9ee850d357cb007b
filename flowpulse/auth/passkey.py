"""/auth/passkey: sign in with a passkey (no email typed), by the sign-in page's button or autofill.

The script (``static/passkeys.js``) asks ``/auth/passkey/options`` for a
challenge, lets the browser find any passkey of this site, and posts the
answer to ``/auth/passkey``. A passkey that verified the person (a PIN, a
fingerprint) is both factors and signs in; one that did not is a first factor
like a password, so an account with a second factor still gets its step. A
signed-in person who answers with their own passkey has confirmed it is them
(re-authentication before a sensitive change).
"""

from flask_login import current_user

from flowpulse.auth.completion import (
    PASSKEY,
    complete_sign_in,
    finish_sign_in,
    refuse_unverified,
    remember_sign_in,
)
from flowpulse.core import audit, relying_party
from flowpulse.services import passkeys
from flowpulse.services.credentials import EmailNotVerified, require_verified_address
from flowpulse.web import webauthn_challenges as challenges
from flowpulse.web.attempt_outcomes import no_failure, said_no_failure
from flowpulse.web.auth_cookie import landing_page
from flowpulse.web.json_api import Refused, answer, as_json, json_body
from flowpulse.web.ratelimit import (
    LOGIN_PER_IP,
    LOGIN_PER_IP_SCOPE,
    PASSKEY_OPTIONS_PER_IP,
    attempt_limit,
    limiter,
)
from flowpulse.web.redirects import safe_next_url

EXPIRED = "This passkey prompt expired or was used already. Please try again."
NOT_ACCEPTED = "That passkey was not accepted here. Try again, or sign in another way."
CLONED = (
    "That passkey was refused: it looks copied from another device. Sign in another way, "
    "remove it on your passkeys page and add it again."
)
ANOTHER_ACCOUNT = "That passkey belongs to another account."


@limiter.limit(PASSKEY_OPTIONS_PER_IP, methods=["POST"])
def options():
    """A challenge for a discoverable sign-in: any passkey of this site may answer."""
    challenge = challenges.issue(challenges.SIGN_IN)
    return answer(**relying_party.authentication_options(challenge=challenge))


@attempt_limit(LOGIN_PER_IP, scope=LOGIN_PER_IP_SCOPE, refund_when=said_no_failure)
def sign_in():
    """Check the browser's passkey answer; sign in, ask for the second step, or confirm."""
    body = json_body()
    proved = verify(body, challenges.SIGN_IN)  # a refusal raises: the attempt stays counted
    user, next_url = proved.user, body.get("next") if isinstance(body.get("next"), str) else None
    if current_user.is_authenticated:
        if current_user.id != user.id:
            raise Refused(403, ANOTHER_ACCOUNT)
        no_failure()
        remember_sign_in(user, PASSKEY)
        audit.record("reauthentication.passkey", user=user.id)
        return answer(redirect=safe_next_url(next_url) or landing_page())
    try:
        require_verified_address(user)
    except EmailNotVerified:
        return refuse_unverified(user)  # a new link for this browser, as after a password
    no_failure()
    remember, finish = bool(body.get("remember")), complete_sign_in
    if not proved.user_verified:
        finish = finish_sign_in  # one factor, like a password
    return as_json(finish(user, remember=remember, method=PASSKEY, next_url=next_url))


def verify(body: dict, purpose: str, *, user=None) -> passkeys.SignedIn:
    """Use this browser's challenge for ``purpose`` on the answer in ``body``; refuse with why."""
    credential = body.get("credential", body)
    try:
        challenge = challenges.take(purpose, user_id=user.id if user else None)
    except challenges.NoChallenge:
        raise Refused(400, EXPIRED) from None
    try:
        return passkeys.sign_in_with(credential, challenge, only_for=user)
    except passkeys.ClonedAuthenticator:
        raise Refused(403, CLONED) from None
    except passkeys.CeremonyFailed as exc:
        # repr: what the answer made py_webauthn say never writes a raw newline into the log.
        audit.record("sign-in.passkey-refused", reason=repr(str(exc))[:160])
        raise Refused(403, NOT_ACCEPTED) from None
