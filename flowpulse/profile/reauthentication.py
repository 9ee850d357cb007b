"""Asking a signed-in person for their password again before a sensitive change.

Views that call ``confirm_current_password`` are decorated with
``flowpulse.ratelimit.password_attempts``: wrong passwords here spend the
sign-in attempts of the account's address.
"""

from flask_login import current_user

from flowpulse.services.credentials import password_matches
from flowpulse.web.ratelimit import count_failed_password

WRONG_PASSWORD = "That password is not right."  # noqa: S105 (a message)


def confirm_current_password(field) -> bool:
    """Re-check the password in ``field``; on a mismatch, say so next to it."""
    if password_matches(current_user._get_current_object(), field.data):
        return True
    count_failed_password()
    field.errors.append(WRONG_PASSWORD)
    return False
