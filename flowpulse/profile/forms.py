"""The profile, email, password and deletion forms."""

from urllib.parse import urlsplit

from wtforms import URLField
from wtforms.validators import Length, ValidationError

from flowpulse.web.forms import (
    Form,
    checkbox_field,
    email_field,
    name_field,
    no_control_characters,
    password_field,
    strip,
)
from flowpulse.web.widgets import URLInput

#: Longest picture URL we store; longer ones are not real image links.
MAX_IMAGE_URL_LENGTH = 2048

#: Picture URLs load in every visitor's browser: only web addresses.
IMAGE_URL_SCHEMES = ("http", "https")


def web_address(form: Form, field) -> None:
    """Refuse anything but an absolute http(s) URL (no javascript:, data:, paths)."""
    value = field.data or ""
    if not value:
        return
    if any(ch.isspace() for ch in value):
        raise ValidationError("A web address has no spaces.")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        raise ValidationError("That is not a valid web address.") from None
    if parts.scheme.lower() not in IMAGE_URL_SCHEMES or not parts.hostname:
        raise ValidationError("Use a web address starting with https:// (or http://).")


class ProfileForm(Form):
    name = name_field()
    image = URLField(
        "Picture URL",
        widget=URLInput(),
        filters=[strip],
        validators=[
            Length(max=MAX_IMAGE_URL_LENGTH, message="That address is too long."),
            no_control_characters,
            web_address,
        ],
    )


class EmailChangeForm(Form):
    new_email = email_field("New email address")
    current_password = password_field("Current password")


class PasswordChangeForm(Form):
    current_password = password_field("Current password")
    new_password = password_field("New password")
    revoke_other_sessions = checkbox_field("Sign out my other devices", default=True)


class DeleteAccountForm(Form):
    current_password = password_field("Current password")


class ConnectForm(Form):
    current_password = password_field("Current password")
