"""The forms of the two-factor pages: turning the app on and off, new recovery codes."""

from wtforms import StringField
from wtforms.validators import InputRequired, Length

from flowpulse.web.forms import Form, checkbox_field, password_field, strip
from flowpulse.web.widgets import TextInput


class EnableAppForm(Form):
    code = StringField(
        "Code from your app",
        widget=TextInput(),
        filters=[strip],
        validators=[
            InputRequired("Enter the six-digit code your app shows."),
            Length(max=16, message="That is not a code."),
        ],
    )
    current_password = password_field("Current password")
    revoke_other_sessions = checkbox_field("Sign out my other devices", default=True)


class ConfirmWithPasswordForm(Form):
    """Turning the factor off, or making new recovery codes: the password again."""

    current_password = password_field("Current password")
