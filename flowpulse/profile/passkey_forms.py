"""The forms of the passkeys page: adding one (read by its script), renaming, deleting."""

from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from flowpulse.core.text import InvalidName, display_name
from flowpulse.services.passkeys import MAX_NAME_LENGTH
from flowpulse.web.forms import Form, password_field, strip
from flowpulse.web.widgets import TextInput


def passkey_name(form: Form, field) -> None:
    """The display-name rules, at a passkey name's length."""
    if field.data:
        try:
            display_name(field.data, MAX_NAME_LENGTH)
        except InvalidName as exc:
            raise ValidationError(str(exc)) from None


class AddPasskeyForm(Form):
    """What the "Add a passkey" button sends with the ceremony (as JSON, by its script)."""

    name = StringField(
        "Name (optional)", widget=TextInput(), filters=[strip], validators=[passkey_name]
    )
    current_password = password_field("Current password")


class RenamePasskeyForm(Form):
    name = StringField(
        "New name",
        widget=TextInput(),
        filters=[strip],
        validators=[DataRequired("Enter a name for this passkey."), passkey_name],
    )


class DeletePasskeyForm(Form):
    current_password = password_field("Current password")
