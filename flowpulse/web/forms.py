"""Field building blocks shared by every form: formats only, never rules.

Whether an address is taken or a password is strong is a service's call;
these check shapes (length, characters) so bad input gets a message next to
its field instead of reaching the database.
"""

from flask import has_request_context, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from flowpulse.core.email_address import MAX_EMAIL_LENGTH, InvalidEmail, normalize_email
from flowpulse.core.text import InvalidName, display_name, has_control_characters
from flowpulse.web.widgets import CheckboxInput, EmailInput, PasswordInput, TextInput

#: What a form says to a request that uploads files: none of ours takes any.
NO_FILES = "This form takes no files. Please fill it in again."

#: Longest password we read; the configured maximum is checked by the policy.
PASSWORD_FIELD_LIMIT = 4096


class Form(FlaskForm):
    """The base of every FlowPulse form: it reads HTML form fields only.

    Flask-WTF would also read uploaded files and a JSON body as form data,
    handing validators a ``FileStorage`` or numbers, lists and booleans where
    they expect text (a 500). These are HTML forms of text fields: a field
    sent as a file, or a JSON post, is simply a field that was not filled in.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:
                return formdata
            if has_request_context() and form.is_submitted():
                return request.form or None
            return None

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields; a request that uploads files is refused as a whole.

        Taking the rest of it would save a form whose sender meant more (an
        optional field sent as a file would quietly become empty).
        """
        valid = super().validate(extra_validators)
        if has_request_context() and request.files:
            self.form_errors.append(NO_FILES)
            return False
        return valid


def no_control_characters(form: FlaskForm, field) -> None:
    """Refuse NUL and other control characters (PostgreSQL rejects NUL)."""
    if has_control_characters(field.data or ""):
        raise ValidationError("Remove the invisible control characters.")


def valid_display_name(form: FlaskForm, field) -> None:
    """Apply the one display-name rule (``flowpulse.core.text.display_name``)."""
    try:
        display_name(field.data or "")
    except InvalidName as exc:
        raise ValidationError(str(exc)) from None


def valid_email(form: FlaskForm, field) -> None:
    """Refuse text that is not an email address, saying why."""
    try:
        normalize_email(field.data or "")
    except InvalidEmail as exc:
        raise ValidationError(str(exc)) from None


def strip(value):
    """Trim surrounding whitespace from text input."""
    return value.strip() if isinstance(value, str) else value


def normalized_email(value):
    """Give the form the address's normalised form, when it is an address at all.

    What is not an address is left as typed, for ``valid_email`` to explain.
    """
    try:
        return normalize_email(value) if isinstance(value, str) else value
    except InvalidEmail:
        return value


def email_field(label: str = "Email address") -> EmailField:
    """An email input, validated and normalised by email-validator."""
    return EmailField(
        label,
        widget=EmailInput(),
        filters=[strip, normalized_email],
        validators=[
            InputRequired("Enter your email address."),
            Length(max=MAX_EMAIL_LENGTH, message="That address is too long."),
            no_control_characters,
            valid_email,
        ],
    )


def name_field(label: str = "Name") -> StringField:
    """A display name: trimmed, 1-100 characters, nothing invisible."""
    return StringField(
        label,
        widget=TextInput(),
        filters=[strip],
        validators=[InputRequired("Enter your name."), valid_display_name],
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
