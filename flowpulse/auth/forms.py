"""The sign-up, sign-in, second-step and password-reset forms."""

from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

from flowpulse.web.forms import (
    Form,
    checkbox_field,
    email_field,
    name_field,
    password_field,
    strip,
)
from flowpulse.web.widgets import TextInput


class SignupForm(Form):
    name = name_field()
    email = email_field()
    password = password_field()


class LoginForm(Form):
    email = email_field()
    password = password_field()
    remember = checkbox_field("Keep me signed in on this device")


class TwoFactorForm(Form):
    code = StringField(
        "Code",
        widget=TextInput(),
        filters=[strip],
        validators=[
            InputRequired("Enter the code from your app, or a recovery code."),
            Length(max=64, message="That is not a code."),
        ],
    )
    trust_device = checkbox_field("Trust this device for 30 days")


class ForgotPasswordForm(Form):
    email = email_field()


class LogoutForm(Form):
    """The "Sign out" button: only the CSRF token is posted."""


class ResetPasswordForm(Form):
    password = password_field("New password")


class ProviderForm(Form):
    """A provider's button: its CSRF token, and where to go afterwards."""

    next = HiddenField(filters=[strip])
