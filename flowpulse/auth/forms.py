"""The sign-up, sign-in and password-reset forms."""

from flowpulse.web.forms import Form, checkbox_field, email_field, name_field, password_field


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


class LogoutForm(Form):
    """The "Sign out" button: only the CSRF token is posted."""


class ResetPasswordForm(Form):
    password = password_field("New password")
