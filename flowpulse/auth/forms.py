"""The sign-up, sign-in and password-reset forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField

from flowpulse.forms import email_field, name_field, password_field


class SignupForm(FlaskForm):
    name = name_field()
    email = email_field()
    password = password_field()


class LoginForm(FlaskForm):
    email = email_field()
    password = password_field()
    remember = BooleanField("Keep me signed in on this device")


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = password_field("New password")
