"""Signing in through the real login form, as a browser does, over loopback HTTP.

``sign_in`` returns the Cookie header a signed-in browser sends; the load
phases replay it. ``time_sign_ins`` times full POST round trips, one after
another on one keep-alive connection.
"""

import http.client
import http.cookiejar
import re
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlparse

CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)

#: Seconds any one request may take before the run gives up on it.
REQUEST_TIMEOUT = 30


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 itself is the answer we check


class FormBrowser:
    """A cookie-keeping client that fills in forms with their CSRF token."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        """Return ``(status, body)``; HTTP errors are answers, not exceptions."""
        body = urlencode(data).encode() if data is not None else None
        try:
            with self._opener.open(self.base_url + path, body, timeout=REQUEST_TIMEOUT) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf_token(self, path: str) -> str:
        """Load a form page and return its CSRF token."""
        status, page = self.request(path)
        match = CSRF_INPUT.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path} gave {status} and no csrf_token field")
        return match.group(1) or match.group(2)

    def cookie_header(self) -> str:
        """The Cookie header this browser sends."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


def sign_in(base_url: str, login_path: str, landing_path: str, email: str, password: str) -> str:
    """Sign in through the form, open ``landing_path`` once, return the Cookie header."""
    browser = FormBrowser(base_url)
    token = browser.csrf_token(login_path)
    status, _ = browser.request(
        login_path, {"email": email, "password": password, "csrf_token": token}
    )
    if status not in (302, 303):  # Flask-Security-Too redirects with 302
        raise RuntimeError(f"sign-in on {base_url}{login_path} answered {status}, not a redirect")
    # The first page after sign-in consumes the flashed message, so the
    # Cookie header replayed under load is a settled one.
    status, _ = browser.request(landing_path)
    if status != 200:
        raise RuntimeError(f"GET {landing_path} after sign-in answered {status}")
    return browser.cookie_header()


def time_sign_ins(
    base_url: str, password: str, emails: list[str], expected: dict[str, int]
) -> dict[str, list[float]]:
    """Time one sign-in POST per entry of ``emails``, in order; seconds per email.

    Every POST carries the same signed-out Flask cookie and CSRF token, so
    each one is a fresh sign-in (a signed-in browser would be redirected).
    """
    browser = FormBrowser(base_url)
    token = browser.csrf_token("/auth/login")
    headers = {
        "Cookie": browser.cookie_header(),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    address = urlparse(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    seconds: dict[str, list[float]] = {email: [] for email in emails}
    try:
        for email in emails:
            body = urlencode({"email": email, "password": password, "csrf_token": token})
            started = time.perf_counter()
            connection.request("POST", "/auth/login", body=body, headers=headers)
            reply = connection.getresponse()
            reply.read()
            seconds[email].append(time.perf_counter() - started)
            if reply.status != expected[email]:
                raise RuntimeError(f"sign-in as {email} answered {reply.status}")
    finally:
        connection.close()
    return seconds


def status_of(url: str, cookie: str | None = None) -> int:
    """GET ``url`` with a Cookie header and return the status (redirects not followed)."""
    address = urlparse(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", address.path or "/", headers={"Cookie": cookie or ""})
        reply = connection.getresponse()
        reply.read()
        return reply.status
    finally:
        connection.close()


def time_form_posts(
    base_url: str, form_path: str, action: str, forms: list[dict], expected: int
) -> list[float]:
    """Time one POST of each form to ``action``, in order, on one keep-alive connection.

    Every POST carries the same signed-out Flask cookie and the CSRF token of
    ``form_path``, as a browser that reloads nothing would.
    """
    browser = FormBrowser(base_url)
    token = browser.csrf_token(form_path)
    headers = {
        "Cookie": browser.cookie_header(),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    address = urlparse(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    seconds = []
    try:
        for form in forms:
            body = urlencode({**form, "csrf_token": token})
            started = time.perf_counter()
            connection.request("POST", action, body=body, headers=headers)
            reply = connection.getresponse()
            reply.read()
            seconds.append(time.perf_counter() - started)
            if reply.status != expected:
                raise RuntimeError(f"POST {action} answered {reply.status}, not {expected}")
    finally:
        connection.close()
    return seconds
