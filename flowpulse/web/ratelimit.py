"""Rate limits on the forms that guess passwords, judge new ones or send email.

Every limit counts an attempt *before* the view checks anything: one atomic
increment in the shared storage, so N parallel requests can never check more
than the limit allows. Limits that count only failures (a wrong password)
give the attempt back only when the view said so in so many words
(``flowpulse.web.attempt_outcomes``), never because of the answer's status: a
wrong code answered with a redirect is as much a guess as one answered 422.
Right passwords are bounded too (``password_checks``): each costs an Argon2
verification, so a script signing in a hundred times a second is refused
however right its password is.
Storage is Flask-Limiter's ``RATELIMIT_STORAGE_URI``: memory for one process,
Redis for many; the strategy is a fixed window, where a refund is simply one
decrement.

An address bucket is keyed by exactly the address the form will use (its
normalised form), so padding or case cannot open a fresh bucket.
"""

import functools
import hashlib
import logging
import time
from collections.abc import Callable

from flask import Flask, abort, g, request
from flask.wrappers import Response
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from limits.errors import StorageError
from redis.exceptions import RedisError

from flowpulse.core.email_address import MAX_EMAIL_LENGTH, InvalidEmail, normalize_email
from flowpulse.web import limit_storage  # noqa: F401 (memory:// safe under threads: see there)
from flowpulse.web.access_log import loggable_path
from flowpulse.web.attempt_outcomes import said_no_failure_or_checked_nothing
from flowpulse.web.errors import render_http_error, service_unavailable
from flowpulse.web.form_pages import minutes_in, refused_form, seconds_until, too_many_attempts

log = logging.getLogger(__name__)

#: Failed sign-ins from one client IP: a person mistyping gets several tries;
#: one IP guessing across many addresses gets few.
LOGIN_PER_IP = "10 per minute"
#: Failed sign-ins against one address, from anywhere (NIST SP 800-63B asks
#: for throttling per account; 5 per 5 minutes is ~1,400 guesses a day).
LOGIN_PER_EMAIL = "5 per 5 minutes"
#: Accounts created from one client IP (an office behind one NAT still fits).
SIGNUP_PER_IP = "20 per hour"
#: New passwords judged (zxcvbn, up to ~0.1 s each) from one client IP, on
#: every form that sets one: sign-up, reset and change.
NEW_PASSWORDS_PER_IP = "30 per 10 minutes"
#: Reset and verification emails asked for from one client IP.
EMAIL_REQUESTS_PER_IP = "20 per hour"
#: Reset and verification emails asked for one address: enough for a lost
#: mail or two, too few to flood an inbox.
EMAIL_REQUESTS_PER_EMAIL = "5 per hour"

#: Provider flows started from one client IP (each costs a discovery lookup at most).
OAUTH_STARTS_PER_IP = "30 per minute"
#: Provider callbacks from one client IP: each costs a token exchange with the
#: provider, so a flood of forged callbacks must not become a flood of requests there.
OAUTH_CALLBACKS_PER_IP = "30 per minute"
#: Passkey ceremonies started from one client IP (each makes a challenge).
PASSKEY_OPTIONS_PER_IP = "30 per minute"
#: Changes that email the owner a notice (codes, factors, passkeys, providers,
#: password, address), per account: a person setting things up stays well
#: inside it; a script repeating one does not fill the mail queue.
NOTICE_ACTIONS_PER_ACCOUNT = "20 per hour"

#: Password verifications of one account, right or wrong: a person signs in
#: or re-enters a password a few times an hour; a script does it hundreds of
#: times a minute, each an Argon2 verification and often a new session row.
PASSWORD_CHECKS_PER_EMAIL = "30 per 10 minutes"  # noqa: S105 (a limit)
#: Password verifications from one client IP, right or wrong: an office behind
#: one NAT signing in at nine still fits; a flood of Argon2 work does not.
PASSWORD_CHECKS_PER_IP = "120 per 10 minutes"  # noqa: S105 (a limit)

#: Named buckets, shared by every view that spends from them.
LOGIN_PER_IP_SCOPE = "sign-in-per-ip"
LOGIN_PER_EMAIL_SCOPE = "sign-in-per-email"
SIGNUP_PER_IP_SCOPE = "sign-up-per-ip"
NEW_PASSWORDS_SCOPE = "new-passwords-per-ip"
PASSWORD_CHECKS_PER_EMAIL_SCOPE = "password-checks-per-email"  # noqa: S105 (a bucket)
PASSWORD_CHECKS_PER_IP_SCOPE = "password-checks-per-ip"  # noqa: S105 (a bucket)
NOTICE_ACTIONS_SCOPE = "notice-actions-per-account"

limiter = Limiter(key_func=lambda: client_ip(), headers_enabled=True)

#: What the limiter raises when its storage (Redis) cannot be reached.
STORAGE_UNAVAILABLE = (RedisError, StorageError)


def init_app(app: Flask) -> None:
    """Attach the limiter; it reads RATELIMIT_* from the app's config."""
    limiter.init_app(app)
    app.after_request(_give_back_attempts)
    app.register_error_handler(RateLimitExceeded, _answer_over_limit)
    for exc_class in STORAGE_UNAVAILABLE:
        app.register_error_handler(exc_class, _refuse_while_storage_is_down)


def client_ip() -> str:
    """Key by the client IP (ProxyFix has applied the trusted hops)."""
    return request.remote_addr or "unknown"


def submitted_email() -> str:
    """Key by the posted address exactly as the form will read it.

    The form trims it and normalises it, so the key does the same: padding,
    case and the Unicode or punycode spelling of the domain all land in the
    account's one bucket. What is not an address is keyed on a digest of the
    whole value (it checks no password anyway), and a value longer than any
    address can be is refused before any work.
    """
    raw = request.form.get("email", "")
    if len(raw) > MAX_EMAIL_LENGTH:
        abort(422, description="That email address is too long.")
    try:
        return "email:" + normalize_email(raw)
    except InvalidEmail:
        return "not-an-email:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def signed_in_email() -> str:
    """Key by the signed-in person's address, as ``submitted_email`` keys sign-in."""
    # Stored addresses are normalised already, so both name one bucket.
    return "email:" + current_user.email


def signed_in_account() -> str:
    """Key by the signed-in account (its id: a new address does not open a new bucket)."""
    return "account:" + current_user.id


def attempt_limit(
    limit: str,
    *,
    scope: str,
    key_func: Callable[[], str] = client_ip,
    refund_when: Callable[[], bool] | None = None,
    exempt_when: Callable[[], bool] | None = None,
):
    """Limit POSTs to a view, counting each before the view runs.

    ``refund_when()`` is asked after the view answered and gives the attempt
    back when true; it reads what the view said (``said_no_failure``), never
    the response. Without it every attempt counts. The bucket is named by
    ``scope``, so several views can spend from one.
    """
    shared = limiter.shared_limit(
        limit, scope=scope, key_func=key_func, methods=["POST"], exempt_when=exempt_when
    )

    def decorate(view):
        @functools.wraps(view)
        def counted(*args, **kwargs):
            # Reached only once the attempt was counted and allowed.
            if refund_when is not None:
                g.setdefault("limit_refunds", {})[scope] = refund_when
            return view(*args, **kwargs)

        return shared(counted)

    return decorate


def _give_back_attempts(response: Response) -> Response:
    """Refund the attempts this request's view said were not what a limit counts."""
    refunds = g.get("limit_refunds")
    if not refunds:
        return response
    for counted in limiter.current_limits:
        refund_when = refunds.get(counted.request_args[-1])
        if refund_when is not None and not counted.breached and refund_when():
            limiter.limiter.hit(counted.limit, *counted.request_args, cost=-1)
    return response


def _answer_over_limit(error: RateLimitExceeded):
    """Re-render the limited form saying when to try again (429); others get the 429 page."""
    limit = limiter.current_limit
    reset_at = limit.reset_at if limit is not None else time.time() + 60
    # The page's "N minutes" and the Retry-After header are the same wait.
    wait = seconds_until(reset_at)
    response = refused_form(too_many_attempts(minutes_in(wait)), 429, limited=True)
    if response is None:
        return render_http_error(error)
    response.headers["Retry-After"] = str(wait)
    return response


def _refuse_while_storage_is_down(error: Exception):
    """Fail closed: without its counters, a limited form answers 503, not an open door."""
    log.error("rate-limit storage unavailable on %s %s: %s", request.method, loggable_path(), error)
    return service_unavailable()


def password_checks(key_func: Callable[[], str], exempt_when=None):
    """Bound every password verification a view makes, right or wrong (never refunded)."""
    per_email = attempt_limit(
        PASSWORD_CHECKS_PER_EMAIL,
        scope=PASSWORD_CHECKS_PER_EMAIL_SCOPE,
        key_func=key_func,
        exempt_when=exempt_when,
    )
    per_ip = attempt_limit(
        PASSWORD_CHECKS_PER_IP, scope=PASSWORD_CHECKS_PER_IP_SCOPE, exempt_when=exempt_when
    )
    return lambda view: per_ip(per_email(view))


def _signed_out() -> bool:
    return not current_user.is_authenticated


def password_attempts(view):
    """Decorate a view that asks a signed-in person for their password again.

    Every POST spends a sign-in attempt of the account's address, given back
    unless the password was wrong (``count_failure``). Once the attempts run
    out every POST gets 429 before the password is even checked, so a
    borrowed or stolen session guesses no faster than the sign-in form. Every
    POST also spends the account's password checks, right or wrong.
    """
    failures = attempt_limit(
        LOGIN_PER_EMAIL,
        scope=LOGIN_PER_EMAIL_SCOPE,
        key_func=signed_in_email,
        refund_when=said_no_failure_or_checked_nothing,
        exempt_when=_signed_out,
    )
    return password_checks(signed_in_email, exempt_when=_signed_out)(failures(view))


#: Decorates every view that judges a new password.
new_password_attempts = attempt_limit(NEW_PASSWORDS_PER_IP, scope=NEW_PASSWORDS_SCOPE)

#: Decorates every view whose change emails the account's owner a notice: each
#: POST spends from one bucket per account, refused or not (nothing infers a
#: refund from a status code), so a script repeating a change cannot fill the
#: mail queue that strangers' reset links share; over it, 429 like every other limit.
notice_actions = attempt_limit(
    NOTICE_ACTIONS_PER_ACCOUNT,
    scope=NOTICE_ACTIONS_SCOPE,
    key_func=signed_in_account,
    exempt_when=_signed_out,
)
