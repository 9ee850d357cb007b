"""Rate limits on the forms that guess passwords or send email.

Limits follow django-allauth's defaults. Sign-in counts only failures, per
client IP and per email address; the address bucket holds however the IP
varies, so rotating ``X-Forwarded-For`` does not buy more guesses. Storage is
Flask-Limiter's ``RATELIMIT_STORAGE_URI``: memory for one process, Redis for
many.
"""

import logging

from flask import Flask, g, request
from flask.wrappers import Response
from flask_limiter import Limiter
from flask_login import current_user
from limits.errors import StorageError
from redis.exceptions import RedisError

from flowpulse.email_address import InvalidEmail, normalize_email
from flowpulse.errors import service_unavailable

log = logging.getLogger(__name__)

#: Failed sign-ins from one client IP.
LOGIN_PER_IP = "10 per minute"
#: Failed sign-ins against one address, from anywhere.
LOGIN_PER_EMAIL = "5 per 5 minutes"
#: The named bucket of ``LOGIN_PER_EMAIL``, shared by the sign-in form and
#: ``password_attempts`` (re-entering the password on profile pages).
LOGIN_PER_EMAIL_SCOPE = "sign-in-per-email"
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


def signed_in_email() -> str:
    """Key by the signed-in person's address, as ``submitted_email`` keys sign-in."""
    # Stored addresses are normalised already, so both name one bucket.
    return "email:" + current_user.email


def count_failed_password() -> None:
    """Count this request's re-entered password as a failed sign-in for the address."""
    g.failed_password = True


def _password_failed(response: Response) -> bool:
    """Tell Flask-Limiter whether this request's password was wrong."""
    return g.get("failed_password", False)


#: Decorates views that ask a signed-in person for their password again: a
#: wrong one (``count_failed_password``) spends the sign-in attempts of the
#: account's address, and once those run out every POST gets 429 before the
#: password is even checked, so a borrowed or stolen session guesses no faster
#: than the sign-in form.
password_attempts = limiter.shared_limit(
    LOGIN_PER_EMAIL,
    scope=LOGIN_PER_EMAIL_SCOPE,
    key_func=signed_in_email,
    methods=["POST"],
    deduct_when=_password_failed,
    exempt_when=lambda: not current_user.is_authenticated,
)
