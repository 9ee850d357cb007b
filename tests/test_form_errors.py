"""A refused form says so first: "Error:" in the title, a summary that takes the focus, and
every invalid field marked ``aria-invalid`` and described by its message."""

import re

import pytest

from tests.browser import STRONG_PASSWORD

EMAIL = "ada@example.com"


def attributes_of(html: str, field_id: str) -> str:
    """The attributes of the input with ``field_id``."""
    match = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, f"no input #{field_id}"
    return match.group(0)


def described_by(html: str, field_id: str) -> list[str]:
    match = re.search(r'aria-describedby="([^"]+)"', attributes_of(html, field_id))
    return match.group(1).split() if match else []


def test_a_wrong_password_marks_both_sign_in_fields_invalid_and_describes_them(
    browser, ada_account
):
    response = browser.sign_in(EMAIL, "not the right password at all")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r"<title>Error: Sign in · FlowPulse</title>", html)
    for field_id in ("email", "password"):
        assert 'aria-invalid="true"' in attributes_of(html, field_id)
        assert "error-summary" in described_by(html, field_id)
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary and "Wrong email or password." in summary.group(1)
    assert 'role="alert"' in summary.group(0) and "autofocus" in summary.group(0)


def test_a_sign_in_without_an_address_links_the_summary_to_the_field(browser):
    response = browser.submit("/auth/login", {"email": "", "password": "x"})
    html = response.get_data(as_text=True)
    assert '<li><a href="#email">Enter your email address.</a></li>' in html
    assert 'aria-invalid="true"' in attributes_of(html, "email")
    assert described_by(html, "email") == ["email-error"]
    # Only the field that is wrong is marked.
    assert "aria-invalid" not in attributes_of(html, "password")


@pytest.mark.parametrize(
    ("page", "data", "title", "field_id"),
    [
        ("/auth/signup", {"name": "", "email": "x", "password": "x"}, "Create an account", "name"),
        ("/auth/forgot-password", {"email": "not an address"}, "Forgot your password", "email"),
    ],
)
def test_every_refused_signed_out_form_starts_its_title_with_error(
    browser, page, data, title, field_id
):
    html = browser.submit(page, data).get_data(as_text=True)
    assert f"<title>Error: {title} · FlowPulse</title>" in html
    assert 'id="error-summary"' in html
    assert 'aria-invalid="true"' in attributes_of(html, field_id)
    assert f"{field_id}-error" in described_by(html, field_id)


@pytest.mark.parametrize(
    ("page", "data", "field_id"),
    [
        ("/profile/email", {"new_email": "nope", "current_password": STRONG_PASSWORD}, "new_email"),
        ("/profile/password", {"current_password": "no", "new_password": "x"}, "current_password"),
        ("/profile/delete", {"current_password": "wrong"}, "current_password"),
        ("/profile", {"name": "", "image": ""}, "name"),
    ],
)
def test_every_refused_profile_form_starts_its_title_with_error(browser, ada, page, data, field_id):
    html = browser.submit(page, data).get_data(as_text=True)
    assert "<title>Error: " in html
    assert f'<a href="#{field_id}">' in html
    assert 'aria-invalid="true"' in attributes_of(html, field_id)


def test_a_page_without_errors_has_a_plain_title_and_no_summary(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "<title>Sign in · FlowPulse</title>" in html
    assert "error-summary" not in html
    assert "aria-invalid" not in html


def test_forms_ask_the_script_to_focus_their_first_field_and_the_script_is_a_file(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<form method="post" novalidate data-autofocus>' in html
    assert '<script src="/static/flowpulse.js" defer></script>' in html
    assert "<script>" not in html  # the CSP allows no inline script
    assert client.get("/static/flowpulse.js").status_code == 200
