"""Field building blocks shared by every form: formats only, never rules.

Whether an address is taken or a password is strong is a service's call;
these check shapes (length, characters) so bad input gets a message next to
its field instead of reaching the database.
"""

import unicodedata

from flask import has_request_context, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from flowpulse.email_address import MAX_EMAIL_LENGTH, InvalidEmail, normalize_email
from flowpulse.widgets import CheckboxInput, EmailInput, PasswordInput, TextInput

#: Longest password we read; the configured maximum is checked by the policy.
PASSWORD_FIELD_LIMIT = 4096


class Form(FlaskForm):
    """The base of every FlowPulse form: it reads HTML form fields only.

    Flask-WTF would also read a JSON body as form data, handing validators
    numbers, lists and booleans where they expect text (a 500). These are
    HTML forms: a JSON post is simply an empty form.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            # A JSON body never carries form fields (Werkzeug parses those
            # only from urlencoded and multipart bodies), so read nothing.
            if has_request_context() and request.is_json:
                return None
            return super().wrap_formdata(form, formdata)


def no_control_characters(form: FlaskForm, field) -> None:
    """Refuse NUL and other control characters (PostgreSQL rejects NUL)."""
    if any(unicodedata.category(ch) == "Cc" for ch in field.data or ""):
        raise ValidationError("Remove the invisible control characters.")


def valid_email(form: FlaskForm, field) -> None:
    """Refuse text that is not an email address, saying why."""
    try:
        normalize_email(field.data or "")
    except InvalidEmail as exc:
        raise ValidationError(str(exc)) from None


def strip(value):
    """Trim surrounding whitespace from text input."""
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = "Email address") -> EmailField:
    """An email input, validated and normalised by email-validator."""
    return EmailField(
        label,
        widget=EmailInput(),
        filters=[strip],
        validators=[
            InputRequired("Enter your email address."),
            Length(max=MAX_EMAIL_LENGTH, message="That address is too long."),
            no_control_characters,
            valid_email,
        ],
    )


def name_field(label: str = "Name") -> StringField:
    """A display name: trimmed, 1-100 characters."""
    return StringField(
        label,
        widget=TextInput(),
        filters=[strip],
        validators=[
            InputRequired("Enter your name."),
            Length(min=1, max=100, message="Use 1 to 100 characters."),
            no_control_characters,
        ],
    )


def password_field(label: str = "Password") -> PasswordField:
    """A password input; its policy is checked by the service that uses it."""
    return PasswordField(
        label,
        widget=PasswordInput(),
        validators=[
            InputRequired("Enter a password."),
            Length(max=PASSWORD_FIELD_LIMIT, message="That password is too long."),
        ],
    )


def checkbox_field(label: str, default: bool = False) -> BooleanField:
    """A checkbox: checked or not, nothing to validate."""
    return BooleanField(label, widget=CheckboxInput(), default=default)
