"""Turning two-factor sign-in on as a person does, and computing the codes an app would show."""

import html
import re
import time
from urllib.parse import parse_qs, urlsplit

import pyotp

from flowpulse.core import totp
from tests.browser import STRONG_PASSWORD, Browser, csrf_token_in

_URI = re.compile(r'<code class="uri">([^<]+)</code>')
_CODE = re.compile(r"<li><code>([a-z2-7-]+)</code></li>")


def otpauth_uri(page_html: str) -> str:
    """Return the ``otpauth://`` URI the setup page shows."""
    return html.unescape(_URI.search(page_html).group(1))


def secret_of(uri: str) -> str:
    """Return the secret inside an ``otpauth://`` URI."""
    return parse_qs(urlsplit(uri).query)["secret"][0]


def app_code(secret: str, *, steps: int = 0) -> str:
    """Return the code an authenticator app shows now (or ``steps`` 30-second steps away).

    "Now" is the app's clock (``flowpulse.core.totp.now``), which the
    ``totp_clock`` fixture moves on instead of the test waiting.
    """
    return pyotp.TOTP(secret).at(totp.now() + 30 * steps)


def recovery_codes_in(page_html: str) -> list[str]:
    """Return the recovery codes a page shows."""
    return _CODE.findall(page_html)


def turn_on(browser: Browser, *, password: str = STRONG_PASSWORD, **extra) -> tuple[str, list[str]]:
    """Turn on an authenticator app for the signed-in person; return its secret and codes."""
    page = browser.get("/profile/two-factor/totp").get_data(as_text=True)
    secret = secret_of(otpauth_uri(page))
    response = browser.submit(
        "/profile/two-factor/totp",
        {"code": app_code(secret), "current_password": password, **extra},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    codes_page = browser.get(response.headers["Location"]).get_data(as_text=True)
    codes = recovery_codes_in(codes_page)
    assert len(codes) == 10
    return secret, codes


def second_step(browser: Browser, code: str, *, trust: bool = False):
    """Post a code on the second step's page."""
    data = {"code": code}
    if trust:
        data["trust_device"] = "y"
    return browser.submit("/auth/two-factor", data)


def second_step_blind(browser: Browser, code: str):
    """Post a code with a valid CSRF token, without the step's page (it may redirect)."""
    token = csrf_token_in(browser.get("/auth/login").get_data(as_text=True))
    return browser.client.post("/auth/two-factor", data={"code": code, "csrf_token": token})


class TotpClock:
    """The clock codes are checked against, moved on by hand."""

    def __init__(self):
        self.at = time.time()

    def __call__(self) -> float:
        return self.at

    def next_step(self) -> None:
        """Move to the next 30-second step (a code just used cannot work again)."""
        self.at += 30
