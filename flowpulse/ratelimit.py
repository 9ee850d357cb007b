"""Rate limits on the forms that guess passwords or send email.

Limits follow django-allauth's defaults. Sign-in counts only failures, per
client IP and per email address; the address bucket holds however the IP
varies, so rotating ``X-Forwarded-For`` does not buy more guesses. Storage is
Flask-Limiter's ``RATELIMIT_STORAGE_URI``: memory for one process, Redis for
many.
"""

from flask import Flask, request
from flask.wrappers import Response
from flask_limiter import Limiter

from flowpulse.email_address import InvalidEmail, normalize_email

#: Failed sign-ins from one client IP.
LOGIN_PER_IP = "10 per minute"
#: Failed sign-ins against one address, from anywhere.
LOGIN_PER_EMAIL = "5 per 5 minutes"
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
    """Count a request against a failure limit only if it did not succeed."""
    return response.status_code >= 400


limiter = Limiter(key_func=client_ip, headers_enabled=True)


def init_app(app: Flask) -> None:
    """Attach the limiter; it reads RATELIMIT_* from the app's config."""
    limiter.init_app(app)
