"""The forms of emailed address links: asking for a new one, confirming one."""

from flowpulse.web.forms import Form, email_field


class ResendForm(Form):
    email = email_field()


class SignedInResendForm(Form):
    """Signed in, the address is the account's own: only the CSRF token is posted."""


class ConfirmLinkForm(Form):
    """The confirmation page's one button: only the CSRF token is posted."""
