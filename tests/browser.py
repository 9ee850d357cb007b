"""A test-client wrapper that behaves like a browser filling in forms.

CSRF stays enabled in tests: every post first loads the page its form lives
on and sends back the ``csrf_token`` found there, as a browser would.
"""

import re
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME

CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)

#: A password that meets the policy (15+ characters, zxcvbn score >= 3).
STRONG_PASSWORD = "correct horse battery staple 42"
OTHER_STRONG_PASSWORD = "purple elephants juggle quietly 7"
#: 148 characters whose every prefix of 15 or more meets the policy.
LONG_PASSPHRASE = (
    "quartz lanterns drift over seven mauve kayaks while eleven bored otters juggle "
    "fennel, copper teapots and one rather sleepy accordion player at dusk"
)


def csrf_token_in(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    match = CSRF_INPUT.search(html)
    assert match, "the page has no csrf_token field"
    return match.group(1) or match.group(2)


class Browser:
    """One browser: its own cookie jar, filling in forms by their fields."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def submit(self, form_page: str, data: dict, *, action: str | None = None, **kwargs):
        """Load ``form_page``, then post ``data`` and its CSRF token to ``action``."""
        page = self.client.get(form_page)
        token = csrf_token_in(page.get_data(as_text=True))
        return self.client.post(action or form_page, data={**data, "csrf_token": token}, **kwargs)

    def ready_to_submit(self, form_page: str, data: dict, *, action: str | None = None):
        """Load ``form_page`` now; return a call that posts ``data`` later (for races)."""
        token = csrf_token_in(self.client.get(form_page).get_data(as_text=True))
        return lambda: self.client.post(action or form_page, data={**data, "csrf_token": token})

    def open_link(self, link: str):
        """Open an emailed link (a GET, as a mail scanner or a person's click does)."""
        return self.client.get(urlsplit(link).path)

    def confirm_link(self, link: str):
        """Open an emailed link and press the button its page shows, as a person does.

        Returns the page itself when it shows no form (a dead link's page).
        """
        page = self.open_link(link)
        html = page.get_data(as_text=True)
        if page.status_code != 200 or 'method="post"' not in html:
            return page
        return self.client.post(urlsplit(link).path, data={"csrf_token": csrf_token_in(html)})

    def ready_to_confirm(self, link: str):
        """Open an emailed link's page now; return a call that presses its button later."""
        path = urlsplit(link).path
        token = csrf_token_in(self.client.get(path).get_data(as_text=True))
        return lambda: self.client.post(path, data={"csrf_token": token})

    def sign_up(self, email: str, password: str = STRONG_PASSWORD, name: str = "Ada Lovelace"):
        return self.submit("/auth/signup", {"name": name, "email": email, "password": password})

    def sign_in(self, email: str, password: str = STRONG_PASSWORD, *, remember=False, next=None):
        path = "/auth/login" + (f"?next={next}" if next else "")
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.submit(path, data)

    def sign_out(self):
        return self.submit("/", {}, action="/auth/logout")

    def drop_session_cookie(self) -> None:
        """End the sign-in without signing out: the browser closed, or the cookie expired.

        Every other cookie stays, as a browser keeps its persistent cookies.
        """
        self.client.delete_cookie(PLAIN_COOKIE_NAME)

    @property
    def session_cookie(self):
        """The auth cookie this browser holds, or None."""
        return self.client.get_cookie(PLAIN_COOKIE_NAME)

    def is_signed_in(self) -> bool:
        """Ask the server: does /profile open, or redirect to sign in?"""
        return self.client.get("/profile").status_code == 200
