"""Passkey ceremonies over HTTP, as ``static/passkeys.js`` runs them in a browser.

Each step loads the page the button lives on (for its CSRF token), asks for
options, lets a ``SoftAuthenticator`` answer them and posts the answer as
JSON with the token in the ``X-CSRFToken`` header.
"""

import re

from tests.browser import STRONG_PASSWORD, Browser, csrf_token_in
from tests.soft_authenticator import SoftAuthenticator

_DATA_CSRF = re.compile(r'data-csrf="([^"]+)"')


def page_csrf(browser: Browser, page: str) -> str:
    """The CSRF token a page's passkey button carries (or its forms, if it shows no button)."""
    html = browser.get(page).get_data(as_text=True)
    match = _DATA_CSRF.search(html)
    return match.group(1) if match else csrf_token_in(html)


def post_json(browser: Browser, path: str, body, *, csrf: str):
    """Post ``body`` as JSON with the CSRF header, as the script does."""
    headers = {"X-CSRFToken": csrf, "Accept": "application/json"}
    return browser.client.post(path, json=body, headers=headers)


def add_passkey(
    browser: Browser,
    authenticator: SoftAuthenticator,
    *,
    password: str | None = STRONG_PASSWORD,
    name: str | None = None,
    **forged,
):
    """Add a passkey from /profile/passkeys; return the last response (the JSON answer)."""
    csrf = page_csrf(browser, "/profile/passkeys")
    asked = {"name": name, "current_password": password}
    options = post_json(browser, "/profile/passkeys/options", asked, csrf=csrf)
    if options.status_code != 200:
        return options
    credential = authenticator.register(options.get_json(), **forged)
    body = {"credential": credential, "name": name}
    return post_json(browser, "/profile/passkeys", body, csrf=csrf)


def passkey_options(browser: Browser, *, page: str = "/auth/login", path="/auth/passkey/options"):
    """Ask for sign-in options from ``page``; return (options JSON, csrf)."""
    csrf = page_csrf(browser, page)
    response = post_json(browser, path, {}, csrf=csrf)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json(), csrf


def sign_in_with_passkey(
    browser: Browser,
    authenticator: SoftAuthenticator,
    *,
    body: dict | None = None,
    page: str = "/auth/login",
    **forged,
):
    """Press "Sign in with a passkey" on ``page``; return the JSON answer."""
    options, csrf = passkey_options(browser, page=page)
    credential = authenticator.sign_in(options, **forged)
    return post_json(
        browser, "/auth/passkey", {"credential": credential, **(body or {})}, csrf=csrf
    )


def second_step_with_passkey(browser: Browser, authenticator: SoftAuthenticator, **forged):
    """Press "Use a passkey instead" on the two-factor step; return the JSON answer."""
    options, csrf = passkey_options(
        browser, page="/auth/two-factor", path="/auth/two-factor/passkey/options"
    )
    credential = authenticator.sign_in(options, **forged)
    return post_json(browser, "/auth/two-factor/passkey", {"credential": credential}, csrf=csrf)


def expire_recent_sign_in(browser: Browser) -> None:
    """Make this browser's sign-in older than five minutes (no longer "just now")."""
    with browser.client.session_transaction() as session:
        if "recent_sign_in" in session:
            session["recent_sign_in"] = {**session["recent_sign_in"], "at": 0}
