"""What both stand-ins' ``sign_in`` share: a no-redirect cookie client and a form reader."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser


class SignInError(AssertionError):
    """The provider did not get the browser to a redirect URI (its page says why)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the caller decides where the browser goes next


class CookieClient:
    """A browser's HTTP side: its own cookie jar, redirects handed back, errors as answers."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, method: str, url: str, data: dict | None = None):
        """Return ``(status, headers, body_text)`` for one request."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # S310: the stand-ins' URLs are always http://127.0.0.1:<port> (loopback).
        request = urllib.request.Request(url, body, method=method)  # noqa: S310
        try:
            with self._opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class PageReader(HTMLParser):
    """The forms (action, method, named inputs) and links on one page."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = attributes.get("method", "get").upper()
            self.forms.append(Form(attributes.get("action", ""), method))
        elif tag == "input" and self.forms and "name" in attributes:
            self.forms[-1].fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_text(page: str, limit: int = 600) -> str:
    """A short plain-text version of an HTML page, for error messages."""

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self._skip = False

        def handle_starttag(self, tag, attrs):
            self._skip = tag in ("style", "script")

        def handle_endtag(self, tag):
            self._skip = False

        def handle_data(self, data):
            if not self._skip and data.strip():
                self.parts.append(data.strip())

    reader = _Text()
    reader.feed(page)
    return " ".join(reader.parts)[:limit]
