"""The sign-up, sign-in and password-reset forms."""

from wtforms import HiddenField

from flowpulse.web.forms import (
    Form,
    checkbox_field,
    email_field,
    name_field,
    password_field,
    strip,
)


class SignupForm(Form):
    name = name_field()
    email = email_field()
    password = password_field()


class LoginForm(Form):
    email = email_field()
    password = password_field()
    remember = checkbox_field("Keep me signed in on this device")


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password = password_field("New password")


class ProviderForm(Form):
    """A provider's button: its CSRF token, and where to go afterwards."""

    next = HiddenField(filters=[strip])
