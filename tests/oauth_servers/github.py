"""A loopback stand-in for GitHub's OAuth 2.0 servers and the two API calls sign-in needs.

``GitHubServer`` is a threaded ``http.server`` on 127.0.0.1 speaking GitHub's
OAuth web flow closely enough for a real client (Authlib's included):

* ``GET /login/oauth/authorize`` (client_id, redirect_uri, state, scope,
  code_challenge + code_challenge_method=S256): no pages, it approves at once
  as ``signed_in_as`` and redirects to ``redirect_uri?code=…&state=…``; with
  ``deny = True`` it redirects with ``error=access_denied`` as GitHub does when
  the user presses Cancel. A redirect_uri that is not the registered callback
  (or below it, GitHub's rule) sends ``error=redirect_uri_mismatch`` to the
  registered callback; an unknown client_id gets a 404 page.
* ``POST /login/oauth/access_token`` (client_id, client_secret in the form or
  HTTP Basic, code, redirect_uri, code_verifier): codes are single use and
  expire after 10 minutes; a code issued with a challenge needs the matching
  S256 verifier. JSON when the request says ``Accept: application/json``,
  otherwise form-encoded, as GitHub answers. Errors come back with status 200
  and an ``error`` field (``bad_verification_code``,
  ``incorrect_client_credentials``, ``redirect_uri_mismatch``, …), as GitHub's
  do. No refresh token unless ``issue_refresh_tokens`` (GitHub's "expiring
  user tokens": ``ghu_``/``ghr_`` with ``expires_in``; refresh rotates).
* ``GET /api/user`` and ``GET /api/user/emails`` with ``Authorization: Bearer``
  (or ``token``) — 401 "Bad credentials" otherwise, 403 without a
  User-Agent, and ``/user/emails`` answers 404 to a token without the
  ``user:email`` (or ``user``) scope.

Approximations: GitHub's error for a wrong code_verifier is not documented;
this one answers ``bad_verification_code`` with its own description.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.oauth_servers.browser import CookieClient, SignInError, page_text

DOCS = (
    "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors"
)
TOKEN_DOCS = (
    "https://docs.github.com/apps/managing-oauth-apps/"
    "troubleshooting-oauth-app-access-token-request-errors"
)
CODE_TTL = 600
TOKEN_ERRORS = {
    "incorrect_client_credentials": "The client_id and/or client_secret passed are incorrect.",
    "redirect_uri_mismatch": "The redirect_uri MUST match the registered callback URL for this "
    "application.",
    "bad_verification_code": "The code passed is incorrect or expired.",
    "bad_refresh_token": "The refresh token passed is incorrect or expired.",
    "unsupported_grant_type": "The grant type is not supported.",
}


@dataclass
class GitHubUser:
    """A GitHub account as ``/user`` and ``/user/emails`` describe it."""

    id: int = 12345
    login: str = "octocat"
    name: str | None = "The Octocat"
    #: The public profile email (``/user``'s ``email``): None when kept private.
    email: str | None = None
    #: ``/user/emails``: ``{"email", "primary", "verified", "visibility"}`` each.
    emails: list[dict] = field(
        default_factory=lambda: [
            {
                "email": "octocat@example.com",
                "primary": True,
                "verified": True,
                "visibility": None,
            }
        ]
    )

    def profile(self) -> dict:
        return {
            "login": self.login,
            "id": self.id,
            "node_id": f"U_{self.id}",
            "type": "User",
            "name": self.name,
            "email": self.email,
            "html_url": f"https://github.com/{self.login}",
        }


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _scopes(text: str) -> list[str]:
    return [scope for scope in text.replace(",", " ").split() if scope]


class GitHubServer:
    """GitHub's OAuth endpoints on http://127.0.0.1:<port> (see the module docstring)."""

    def __init__(
        self,
        *,
        client_id: str = "flowpulse-github-test",
        client_secret: str | None = None,
        callback_urls=None,
        users=None,
        signed_in_as: str = "octocat",
        issue_refresh_tokens: bool = False,
        require_pkce: bool = False,
    ):
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_hex(20)
        #: Registered callback URLs; None: any redirect_uri is accepted.
        self.callback_urls = list(callback_urls) if callback_urls is not None else None
        self.users: dict[str, GitHubUser] = {u.login: u for u in (users or [GitHubUser()])}
        self.signed_in_as = signed_in_as
        self.issue_refresh_tokens = issue_refresh_tokens
        self.require_pkce = require_pkce
        #: True: the next authorizations are denied (the user pressed Cancel).
        self.deny = False
        #: Every request: ``{"method", "path", "query", "headers", "form"}``.
        self.requests: list[dict] = []
        self._issued: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._refresh: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # --- lifetime -----------------------------------------------------------

    def start(self) -> "GitHubServer":
        handler = type("Handler", (_Handler,), {"stand_in": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.authorize_url = f"{self.base_url}/login/oauth/authorize"
        self.token_url = f"{self.base_url}/login/oauth/access_token"
        self.api_base_url = f"{self.base_url}/api/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self) -> "GitHubServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- configuration ---------------------------------------------------------

    def add_user(self, user: GitHubUser, *, sign_in: bool = True) -> GitHubUser:
        """Add (or replace) an account; by default it is the one that signs in next."""
        self.users[user.login] = user
        if sign_in:
            self.signed_in_as = user.login
        return user

    @property
    def user(self) -> GitHubUser:
        """The account that authorizes next."""
        return self.users[self.signed_in_as]

    def issued(self) -> list[dict]:
        """Every code and token handed out: ``{"kind", "value", "login", "at"}``."""
        with self._lock:
            return list(self._issued)

    def issued_tokens(self, *kinds: str) -> list[str]:
        """Every code/token string issued (only ``kinds``, if given)."""
        return [record["value"] for record in self.issued() if not kinds or record["kind"] in kinds]

    # --- the browser's part ----------------------------------------------------

    def sign_in(self, authorize_url: str, login: str | None = None, consent: bool = True):
        """GET the authorize URL as the browser would; return ``("GET", redirect)`` unfollowed.

        ``login`` picks the account (one of ``users``) that approves;
        ``consent=False`` denies (``error=access_denied``). Both stay in force
        for later authorizations (``signed_in_as``, ``deny``).
        """
        if login is not None:
            if login not in self.users:
                raise KeyError(f"no GitHub user {login!r}; add_user() it first")
            self.signed_in_as = login
        self.deny = not consent
        status, headers, body = CookieClient().request("GET", authorize_url)
        if status in (301, 302, 303, 307, 308):
            return ("GET", urllib.parse.urljoin(authorize_url, headers["Location"]))
        raise SignInError(f"GitHub stand-in answered {status}: {page_text(body)}")

    # --- protocol ---------------------------------------------------------------

    def _record(self, kind: str, value: str, login: str) -> None:
        self._issued.append({"kind": kind, "value": value, "login": login, "at": time.time()})

    def _callback_allowed(self, redirect_uri: str) -> bool:
        if self.callback_urls is None:
            return True
        wanted = urllib.parse.urlsplit(redirect_uri)
        for callback in self.callback_urls:
            base = urllib.parse.urlsplit(callback)
            same_place = (wanted.scheme, wanted.netloc) == (base.scheme, base.netloc)
            base_path = base.path.rstrip("/")
            below = wanted.path == base.path or wanted.path.startswith(base_path + "/")
            if same_place and below:
                return True
        return False

    def authorize(self, query: dict) -> tuple[int, dict, str]:
        client_id = query.get("client_id", "")
        if client_id != self.client_id:
            return 404, {}, "<h1>404</h1><p>Not Found: no such OAuth application</p>"
        state = query.get("state")
        registered = self.callback_urls[0] if self.callback_urls else None
        redirect_uri = query.get("redirect_uri") or registered
        if redirect_uri is None:
            return 400, {}, "<p>redirect_uri is required (no callback URL registered)</p>"

        def go(target: str, **params) -> tuple[int, dict, str]:
            if state is not None:
                params["state"] = state
            joiner = "&" if urllib.parse.urlsplit(target).query else "?"
            return 302, {"Location": target + joiner + urllib.parse.urlencode(params)}, ""

        if not self._callback_allowed(redirect_uri):
            return go(
                registered,
                error="redirect_uri_mismatch",
                error_description=TOKEN_ERRORS["redirect_uri_mismatch"],
                error_uri=f"{DOCS}#redirect-uri-mismatch",
            )
        challenge = query.get("code_challenge")
        method = query.get("code_challenge_method", "plain" if challenge else None)
        if (challenge and method != "S256") or (self.require_pkce and not challenge):
            return 400, {}, "<p>code_challenge with code_challenge_method=S256 is required</p>"
        if self.deny:
            return go(
                redirect_uri,
                error="access_denied",
                error_description="The user has denied your application access.",
                error_uri=f"{DOCS}#access-denied",
            )
        code = secrets.token_hex(10)
        with self._lock:
            self._codes[code] = {
                "client_id": client_id,
                "redirect_uri": query.get("redirect_uri"),
                "challenge": challenge,
                "scope": ",".join(_scopes(query.get("scope", ""))),
                "login": self.signed_in_as,
                "expires": time.monotonic() + CODE_TTL,
            }
            self._record("authorization_code", code, self.signed_in_as)
        return go(redirect_uri, code=code)

    def access_token(self, form: dict, basic: tuple[str, str] | None) -> dict:
        client_id, client_secret = basic or (form.get("client_id"), form.get("client_secret"))
        if client_id != self.client_id or not secrets.compare_digest(
            client_secret or "", self.client_secret
        ):
            return _token_error("incorrect_client_credentials")
        grant_type = form.get("grant_type", "authorization_code")
        with self._lock:
            if grant_type == "refresh_token":
                grant = self._refresh.pop(form.get("refresh_token", ""), None)
                if grant is None or not self.issue_refresh_tokens:
                    return _token_error("bad_refresh_token")
                return self._issue(grant["login"], grant["scope"])
            if grant_type != "authorization_code":
                return _token_error("unsupported_grant_type")
            grant = self._codes.pop(form.get("code", ""), None)  # single use, even when wrong
            if grant is None or grant["expires"] < time.monotonic():
                return _token_error("bad_verification_code")
            if grant["client_id"] != client_id:
                return _token_error("bad_verification_code")
            redirect_uri = form.get("redirect_uri")
            if redirect_uri and grant["redirect_uri"] and redirect_uri != grant["redirect_uri"]:
                return _token_error("redirect_uri_mismatch")
            if grant["challenge"]:
                verifier = form.get("code_verifier")
                if not verifier or not secrets.compare_digest(s256(verifier), grant["challenge"]):
                    return _token_error(
                        "bad_verification_code",
                        "The code_verifier does not match the code_challenge.",
                    )
            return self._issue(grant["login"], grant["scope"])

    def _issue(self, login: str, scope: str) -> dict:
        prefix = "ghu_" if self.issue_refresh_tokens else "gho_"
        token = prefix + secrets.token_urlsafe(27)[:36]
        self._tokens[token] = {"login": login, "scope": scope}
        self._record("access_token", token, login)
        answer = {"access_token": token, "token_type": "bearer", "scope": scope}
        if self.issue_refresh_tokens:
            refresh = "ghr_" + secrets.token_urlsafe(57)[:76]
            self._refresh[refresh] = {"login": login, "scope": scope}
            self._record("refresh_token", refresh, login)
            answer.update(
                expires_in=28800, refresh_token=refresh, refresh_token_expires_in=15897600
            )
        return answer

    def api(self, path: str, headers) -> tuple[int, dict, object]:
        if not headers.get("User-Agent"):
            return (
                403,
                {},
                {
                    "message": "Request forbidden by administrative rules. "
                    "Please make sure your request has a User-Agent header."
                },
            )
        kind, _, token = (headers.get("Authorization") or "").partition(" ")
        with self._lock:
            grant = self._tokens.get(token) if kind.lower() in ("bearer", "token") else None
        if grant is None:
            return (
                401,
                {},
                {
                    "message": "Bad credentials",
                    "documentation_url": "https://docs.github.com/rest",
                    "status": "401",
                },
            )
        scopes = _scopes(grant["scope"])
        extra = {"X-OAuth-Scopes": ", ".join(scopes)}
        user = self.users[grant["login"]]
        if path == "/api/user":
            return 200, extra, user.profile()
        if path == "/api/user/emails":
            if not {"user", "user:email"} & set(scopes):
                return (
                    404,
                    {**extra, "X-Accepted-OAuth-Scopes": "user, user:email"},
                    {
                        "message": "Not Found",
                        "documentation_url": "https://docs.github.com/rest/users/emails",
                        "status": "404",
                    },
                )
            return 200, extra, [dict(entry) for entry in user.emails]
        return 404, extra, {"message": "Not Found", "status": "404"}


def _token_error(error: str, description: str | None = None) -> dict:
    return {
        "error": error,
        "error_description": description or TOKEN_ERRORS[error],
        "error_uri": f"{TOKEN_DOCS}#{error.replace('_', '-')}",
    }


class _Handler(BaseHTTPRequestHandler):
    stand_in: GitHubServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass  # quiet: the tests read .requests instead

    def _note(self, form: dict | None = None) -> tuple[str, dict]:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.stand_in.requests.append(
            {
                "method": self.command,
                "path": url.path,
                "query": query,
                "headers": dict(self.headers),
                "form": form,
            }
        )
        return url.path, query

    def _send(self, status: int, headers: dict, body: str | bytes, content_type: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path, query = self._note()
        if path == "/login/oauth/authorize":
            status, headers, page = self.stand_in.authorize(query)
            self._send(status, headers, page, "text/html; charset=utf-8")
        elif path.startswith("/api/"):
            status, headers, body = self.stand_in.api(path, self.headers)
            self._send(status, headers, json.dumps(body), "application/json; charset=utf-8")
        else:
            self._send(404, {}, "Not Found", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        form = dict(urllib.parse.parse_qsl(raw))
        path, query = self._note(form)
        if path != "/login/oauth/access_token":
            self._send(404, {}, "Not Found", "text/plain")
            return
        # GitHub reads these from the query string too.
        form = {**query, **form}
        basic = None
        kind, _, credentials = (self.headers.get("Authorization") or "").partition(" ")
        if kind.lower() == "basic":
            try:
                user, _, password = base64.b64decode(credentials).decode().partition(":")
                basic = (urllib.parse.unquote(user), urllib.parse.unquote(password))
            except ValueError:
                basic = ("", "")
        answer = self.stand_in.access_token(form, basic)
        if "application/json" in (self.headers.get("Accept") or ""):
            self._send(200, {}, json.dumps(answer), "application/json; charset=utf-8")
        else:
            body = urllib.parse.urlencode(answer)
            self._send(200, {}, body, "application/x-www-form-urlencoded; charset=utf-8")
