"""The fast form widgets write exactly the HTML WTForms' own widgets write."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import widgets as wtforms_widgets
from wtforms.widgets.core import html_params

from flowpulse.auth.forms import LoginForm
from flowpulse.profile.forms import PasswordChangeForm, ProfileForm
from flowpulse.web import widgets

attribute_names = st.sampled_from(
    ["id", "name", "value", "class_", "for_", "data_user_id", "aria_describedby", "maxlength"]
)
attribute_values = st.one_of(
    st.text(),
    st.text().map(Markup),
    st.booleans(),
    st.integers(),
    st.none(),
)


@given(st.dictionaries(attribute_names, attribute_values))
def test_attributes_are_written_exactly_as_wtforms_writes_them(attributes):
    assert widgets.html_attributes(**attributes) == html_params(**attributes)


def test_attribute_values_are_escaped_quotes_included():
    written = widgets.html_attributes(value='"><script>x</script>', title=Markup('say "hi"'))
    assert written == 'title="say &quot;hi&quot;" value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"'


@pytest.mark.parametrize(
    ("form_class", "field_name", "stock_widget"),
    [
        (LoginForm, "email", wtforms_widgets.EmailInput()),
        (LoginForm, "password", wtforms_widgets.PasswordInput()),
        (LoginForm, "remember", wtforms_widgets.CheckboxInput()),
        (ProfileForm, "name", wtforms_widgets.TextInput()),
        (ProfileForm, "image", wtforms_widgets.URLInput()),
        (PasswordChangeForm, "revoke_other_sessions", wtforms_widgets.CheckboxInput()),
    ],
)
def test_every_form_input_renders_as_the_stock_widget_would(
    app, form_class, field_name, stock_widget
):
    data = {"email": 'ada"@example.com', "password": "secret", "name": "<Ada>", "remember": "y"}
    with app.test_request_context("/", method="POST", data=data):
        field = getattr(form_class(), field_name)
        attributes = {"autocomplete": "on", "aria_describedby": f"{field.id}-hint"}
        assert field(**attributes) == stock_widget(field, **attributes)
        assert type(field.widget) is not type(stock_widget)  # the fast one is in use
