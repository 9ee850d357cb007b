"""Password inputs are masked and friendly to password managers (ASVS 6.2.6, 6.2.7)."""

import re

import pytest

PASSWORD_INPUT = re.compile(r"<input[^>]*name=\"(\w*password\w*)\"[^>]*>")

PAGES_SIGNED_OUT = ["/auth/signup", "/auth/login"]
PAGES_SIGNED_IN = ["/profile/email", "/profile/password", "/profile/delete"]


def _password_inputs(html: str) -> list[str]:
    return [m.group(0) for m in PASSWORD_INPUT.finditer(html)]


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_password_input_is_masked_and_welcomes_password_managers(
    browser, make_user, signed_in
):
    make_user("ada@example.com")
    pages = PAGES_SIGNED_OUT
    if signed_in:
        browser.sign_in("ada@example.com")
        pages = PAGES_SIGNED_IN
    for page in pages:
        inputs = _password_inputs(browser.get(page).get_data(as_text=True))
        assert inputs, f"{page} has no password input"
        for tag in inputs:
            assert 'type="password"' in tag, (page, tag)
            assert re.search(r'autocomplete="(current|new)-password"', tag), (page, tag)
            assert "onpaste" not in tag and 'autocomplete="off"' not in tag, (page, tag)
