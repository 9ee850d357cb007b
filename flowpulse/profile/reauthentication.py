"""Asking a signed-in person to prove it is them again before a sensitive change.

With a password: the current one, re-checked. Views that call
``confirm_identity`` are decorated with ``flowpulse.ratelimit.password_attempts``:
wrong passwords here spend the sign-in attempts of the account's address.
Without a password (a person who signs in only with a provider or a
passkey): a sign-in in this browser within the last five minutes, started
from the page's "Continue with ..." or passkey button; the form then has no
password field.
"""

from flask_login import current_user

from flowpulse.auth.completion import recently_signed_in
from flowpulse.services.credentials import password_matches
from flowpulse.services.social_accounts import has_password
from flowpulse.web.attempt_outcomes import count_failure

WRONG_PASSWORD = "That password is not right."  # noqa: S105 (a message)
CONFIRM_WITH_PROVIDER = (
    "To confirm it is you, continue with the provider you sign in with, or use your "
    "passkey (below), then submit this form within five minutes."
)


def fit_to_person(form):
    """Drop the password field from ``form`` for a person who has no password; return it."""
    if not has_password(current_user._get_current_object()):
        del form.current_password
    return form


def fit_to_fresh_sign_in(form):
    """Like ``fit_to_person``, and no password either within five minutes of a sign-in here.

    For the passkey pages, whose rule is "the current password, or a sign-in
    in the last five minutes".
    """
    if recently_signed_in(current_user._get_current_object()):
        del form.current_password
        return form
    return fit_to_person(form)


def confirm_identity(form) -> bool:
    """Re-check the password, or a fresh provider sign-in; say what is missing on the form."""
    if "current_password" in form:
        return confirm_current_password(form.current_password)
    if recently_signed_in(current_user._get_current_object()):
        return True
    form.form_errors.append(CONFIRM_WITH_PROVIDER)
    return False


def confirm_current_password(field) -> bool:
    """Re-check the password in ``field``; on a mismatch, say so next to it."""
    if password_matches(current_user._get_current_object(), field.data):
        return True
    count_failure()
    field.errors.append(WRONG_PASSWORD)
    return False
