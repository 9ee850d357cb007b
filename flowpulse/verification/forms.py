"""The form that asks for a new verification link."""

from flowpulse.forms import Form, email_field


class ResendForm(Form):
    email = email_field()


class SignedInResendForm(Form):
    """Signed in, the address is the account's own: only the CSRF token is posted."""
