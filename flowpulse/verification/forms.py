"""The form that asks for a new verification link."""

from flask_wtf import FlaskForm

from flowpulse.forms import email_field


class ResendForm(FlaskForm):
    email = email_field()


class SignedInResendForm(FlaskForm):
    """Signed in, the address is the account's own: only the CSRF token is posted."""
