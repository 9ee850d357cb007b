"""Rate limits on the forms that guess passwords or send email.

Limits follow django-allauth's defaults. Sign-in counts only failures, per
client IP and per email address; the address bucket holds however the IP
varies, so rotating ``X-Forwarded-For`` does not buy more guesses. Storage is
Flask-Limiter's ``RATELIMIT_STORAGE_URI``: memory for one process, Redis for
many.
"""

import logging
import math
import time

from flask import Flask, current_app, request
from flask.wrappers import Response
from flask_limiter import Limiter
from limits import parse
from limits.errors import StorageError
from redis.exceptions import RedisError
from werkzeug.exceptions import TooManyRequests

from flowpulse.email_address import InvalidEmail, normalize_email
from flowpulse.errors import service_unavailable

log = logging.getLogger(__name__)

#: Failed sign-ins from one client IP.
LOGIN_PER_IP = "10 per minute"
#: Failed sign-ins against one address, from anywhere.
LOGIN_PER_EMAIL = "5 per 5 minutes"
#: Flask-Limiter's bucket for ``LOGIN_PER_EMAIL``: a route limit without a
#: scope is kept under its endpoint's name. Re-authentication on profile pages
#: (``count_failed_password``) spends from this same bucket.
LOGIN_PER_EMAIL_SCOPE = "auth.login"
#: Accounts created from one client IP.
SIGNUP_PER_IP = "20 per hour"
#: Reset and verification emails asked for from one client IP.
EMAIL_REQUESTS_PER_IP = "20 per hour"
#: Reset and verification emails asked for one address.
EMAIL_REQUESTS_PER_EMAIL = "5 per hour"


def client_ip() -> str:
    """Key by the client IP (ProxyFix has applied the trusted hops)."""
    return request.remote_addr or "unknown"


def submitted_email() -> str:
    """Key by the address in the posted form, normalised like an account's."""
    raw = str(request.form.get("email", ""))[:320]
    try:
        return "email:" + normalize_email(raw)
    except InvalidEmail:
        return "email:" + raw.strip().lower()


def failed(response: Response) -> bool:
    """Count a request against a failure limit only if the client got it wrong.

    Server trouble (5xx) is not the client's failure, and a 429 is the limit
    answering, not another guess.
    """
    return 400 <= response.status_code < 500 and response.status_code != 429


limiter = Limiter(key_func=client_ip, headers_enabled=True)


#: What the limiter raises when its storage (Redis) cannot be reached.
STORAGE_UNAVAILABLE = (RedisError, StorageError)


def init_app(app: Flask) -> None:
    """Attach the limiter; it reads RATELIMIT_* from the app's config."""
    limiter.init_app(app)
    for exc_class in STORAGE_UNAVAILABLE:
        app.register_error_handler(exc_class, _refuse_while_storage_is_down)


def _refuse_while_storage_is_down(error: Exception):
    """Fail closed: without its counters, a limited form answers 503, not an open door."""
    log.error("rate-limit storage unavailable on %s %s: %s", request.method, request.path, error)
    return service_unavailable()


def ensure_password_attempts_left(email: str) -> None:
    """Answer 429 (with ``Retry-After``) once an address has no sign-in attempts left.

    Called before a signed-in person's password is re-checked, so a stolen
    session cannot guess the password faster than the sign-in form allows.
    """
    if not limiter.enabled:
        return
    item, bucket = parse(LOGIN_PER_EMAIL), _login_bucket(email)
    if not limiter.limiter.test(item, *bucket):
        reset_at, _remaining = limiter.limiter.get_window_stats(item, *bucket)
        raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))


def count_failed_password(email: str) -> None:
    """Count a wrong re-authentication password as a failed sign-in for the address."""
    if limiter.enabled:
        limiter.limiter.hit(parse(LOGIN_PER_EMAIL), *_login_bucket(email))


def _login_bucket(email: str) -> list[str]:
    """Return the identifiers Flask-Limiter files sign-in failures for an address under."""
    # The key is what ``submitted_email`` gives the sign-in form; a stored
    # address is already normalised, so both name one bucket.
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    return [*([prefix] if prefix else []), "email:" + email, LOGIN_PER_EMAIL_SCOPE]
