"""A real OpenID Connect provider on loopback: panva's oidc-provider under Node.js.

``OIDCProvider`` writes a JSON config, starts ``node oidc/server.mjs`` on a
free loopback port, waits for its ``ready <issuer>`` line, and drives it:

* one confidential client (``client_id``/``client_secret``; the token endpoint
  takes the secret by HTTP Basic or in the form body), redirect URIs given at
  start or changed later with ``configure(redirect_uris=[...])``;
* accounts: any login name signs in and becomes the ``sub``; ``email``,
  ``email_verified`` and ``name`` come from the ``accounts`` map, and a ``sub``
  missing from it has no email claim at all;
* ``sign_in()`` plays the browser through oidc-provider's development login
  and consent pages and hands back where the provider sends the browser;
* ``issued_tokens()``: every code, access, refresh and ID token it handed out.

It is meant to be started once per test session (start-up takes about half a
second, most of it Node.js and two RSA keys) and reset between tests:
``reset()`` restores the start accounts, switches and redirect URIs over a
small admin endpoint (``/__harness/``, bearer token only this object knows)
and forgets the tokens issued so far; ``configure()`` changes them for one test.

Switches (at start: ``OIDCProvider(switches={...})``; per test: ``configure(...)``):

* ``claims_in_id_token`` (default True): email/email_verified/name in the ID
  token as well as from userinfo; False: only from userinfo. oidc-provider runs
  with ``conformIdTokenClaims: false`` and its ``findAccount`` decides: native.
* ``issue_refresh_tokens`` (default True): an ``issueRefreshToken`` policy that
  always issues one (no ``offline_access`` or ``prompt=consent`` needed): native.
* ``stranger_key`` (True or a kid): ID tokens are signed by an RSA key that
  is not in the JWKS, under the published key's ``kid`` (so a client must
  check the signature to notice) or under the kid given. Not an
  oidc-provider feature: server.mjs's Koa middleware (in front of
  oidc-provider's routes) re-signs the token endpoint's ``id_token``.
* ``wrong_aud`` (True, a string or a list): ID tokens whose ``aud`` is
  another client (True: ``someone-else``) or that list, correctly signed.
  Same middleware, re-signed with the real key.
* ``wrong_iss`` (True or a string): the authorization response's RFC 9207
  ``iss`` (which oidc-provider v9 always sends) is another issuer (default
  ``https://attacker.example``). Same middleware, rewriting the redirect's
  query or the form_post page's hidden input.
"""

import json
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.oauth_servers.browser import CookieClient, PageReader, SignInError, origin, page_text

OIDC_DIR = Path(__file__).resolve().parent / "oidc"

UNAVAILABLE = (
    "Node.js or tests/oauth_servers/oidc/node_modules missing "
    "(run: make test, or npm ci in tests/oauth_servers/oidc)"
)

#: Accounts every test can sign in as; any other login name has no email.
DEFAULT_ACCOUNTS = {
    "alice": {"email": "alice@example.com", "email_verified": True, "name": "Alice Example"},
    "bob": {"email": "bob@example.com", "email_verified": False, "name": "Bob Example"},
    "ada": {"email": "ada@example.com", "email_verified": True, "name": "Ada Lovelace"},
}

SWITCHES = ("claims_in_id_token", "issue_refresh_tokens", "stranger_key", "wrong_aud", "wrong_iss")


def unavailable_reason() -> str | None:
    """Why the provider cannot run here (one line), or None if it can."""
    installed = (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").is_file()
    if shutil.which("node") is None or not installed:
        return UNAVAILABLE
    return None


class OIDCProvider:
    """oidc-provider in a Node.js subprocess on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        *,
        redirect_uris=("http://localhost/callback",),
        accounts: dict | None = None,
        client_id: str = "flowpulse-test",
        client_secret: str | None = None,
        switches: dict | None = None,
        host: str = "127.0.0.1",
    ):
        unknown = set(switches or {}) - set(SWITCHES)
        if unknown:
            raise ValueError(f"unknown switches: {sorted(unknown)}")
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.redirect_uris = list(redirect_uris)
        self.host = host
        self.issuer: str | None = None
        self.startup_seconds: float | None = None
        self._accounts = dict(DEFAULT_ACCOUNTS if accounts is None else accounts)
        self._switches = dict(switches or {})
        self._admin_token = secrets.token_urlsafe(24)
        self._dir: Path | None = None
        self.tokens_file: Path | None = None
        self._tokens_mark = 0
        self._process: subprocess.Popen | None = None
        self._stdout: list[str] = []
        self._ready = threading.Event()
        self._metadata: dict | None = None

    # --- lifetime -----------------------------------------------------------

    def start(self, timeout: float = 30) -> "OIDCProvider":
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        self._dir = Path(tempfile.mkdtemp(prefix="oidc-harness-"))
        self.tokens_file = self._dir / "tokens.jsonl"
        config = {
            "host": self.host,
            "port": 0,  # server.mjs binds any free port and names it in its issuer
            "admin_token": self._admin_token,
            "tokens_file": str(self.tokens_file),
            "clients": [
                {
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "redirect_uris": self.redirect_uris,
                }
            ],
            "accounts": self._accounts,
            "switches": self._switches,
        }
        config_path = self._dir / "config.json"
        config_path.write_text(json.dumps(config))
        self.tokens_file.touch()
        # stderr to a file nobody has to read while it runs; stdout (the ready
        # line, and nothing else by design) drained by a thread so it can't fill.
        self.log = (self._dir / "provider.log").open("w+b")
        started = time.monotonic()
        self._process = subprocess.Popen(
            ["node", "server.mjs", str(config_path)],  # noqa: S607 (node from PATH, checked above)
            cwd=OIDC_DIR,
            stdin=subprocess.PIPE,  # never written: Node exits when it closes
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        threading.Thread(target=self._read_stdout, daemon=True).start()
        deadline = started + timeout
        while not self._ready.wait(0.05):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"oidc-provider did not start:\n{self.log_text()}")
        self.startup_seconds = time.monotonic() - started
        return self

    def _read_stdout(self) -> None:
        for line in self._process.stdout:
            self._stdout.append(line)
            if line.startswith("ready ") and not self._ready.is_set():
                self.issuer = line.split(" ", 1)[1].strip()
                self._ready.set()

    def stop(self) -> None:
        """Stop Node (SIGTERM, then SIGKILL after 10 s), close the log, remove temp files."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        if self._process is not None:
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe:
                    pipe.close()
        if getattr(self, "log", None) and not self.log.closed:
            self.log.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    @property
    def returncode(self) -> int | None:
        return self._process.poll() if self._process else None

    def __enter__(self) -> "OIDCProvider":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_text(self) -> str:
        """What the provider said: stderr (oidc-provider's notices, errors), then stdout."""
        text = ""
        if getattr(self, "log", None) and not self.log.closed:
            self.log.flush()
            self.log.seek(0)
            text = self.log.read().decode(errors="replace")
        return text + "".join(self._stdout)

    # --- what a client needs -------------------------------------------------

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def metadata(self) -> dict:
        """The discovery document (fetched once)."""
        if self._metadata is None:
            self._metadata = self._get_json(self.discovery_url)
        return self._metadata

    @property
    def authorization_endpoint(self) -> str:
        return self.metadata["authorization_endpoint"]

    @property
    def token_endpoint(self) -> str:
        return self.metadata["token_endpoint"]

    @property
    def userinfo_endpoint(self) -> str:
        return self.metadata["userinfo_endpoint"]

    @property
    def jwks_uri(self) -> str:
        return self.metadata["jwks_uri"]

    def jwks(self) -> dict:
        """The published key set (what a client verifies ID tokens with)."""
        return self._get_json(self.jwks_uri)

    # --- per-test state -------------------------------------------------------

    def configure(
        self,
        *,
        accounts: dict | None = None,
        replace_accounts: bool = False,
        redirect_uris=None,
        **switches,
    ) -> dict:
        """Change accounts (merged, or replaced), redirect URIs and switches until ``reset()``."""
        unknown = set(switches) - set(SWITCHES)
        if unknown:
            raise ValueError(f"unknown switches: {sorted(unknown)}")
        body: dict = {"switches": switches}
        if accounts is not None:
            body.update(accounts=accounts, replace_accounts=replace_accounts)
        if redirect_uris is not None:
            body["redirect_uris"] = list(redirect_uris)
        return self._admin("configure", body)

    def register_redirect_uris(self, *uris: str) -> None:
        """Let the client use exactly these redirect URIs (until ``reset()``)."""
        self.configure(redirect_uris=uris)

    def reset(self) -> None:
        """Back to the start accounts, switches and redirect URIs; forget issued tokens."""
        self._admin("reset", {})
        self.forget_tokens()

    def state(self) -> dict:
        return self._admin("state")

    # --- tokens ---------------------------------------------------------------

    def forget_tokens(self) -> None:
        """From now on ``issued_tokens()`` lists only tokens issued after this call."""
        self._tokens_mark = self.tokens_file.stat().st_size

    def issued(self) -> list[dict]:
        """Every record since the last reset: ``{"kind", "value", "at", ...}``.

        kind is ``authorization_code``, ``access_token``, ``refresh_token`` or
        ``id_token`` (the ID token as the client received it, i.e. after any
        attack switch changed it); token records name their ``grant_type``.
        """
        with self.tokens_file.open("rb") as file:
            file.seek(self._tokens_mark)
            lines = file.read().decode().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def issued_tokens(self, *kinds: str) -> list[str]:
        """Every token string issued since the last reset (only ``kinds``, if given)."""
        return [record["value"] for record in self.issued() if not kinds or record["kind"] in kinds]

    # --- the browser's part ----------------------------------------------------

    def sign_in(
        self,
        authorize_url: str,
        login: str = "alice",
        consent: bool = True,
        password: str = "any password",  # noqa: S107 (dev interactions take any)
    ):
        """Sign in through the development interaction and stop at the redirect URI.

        Follows the provider's own redirects with a fresh cookie jar: the login
        page (``login`` becomes the ``sub``; any password), then the consent
        page (Continue, or with ``consent=False`` the page's abort link, which
        answers ``error=access_denied``). Returns, without following it:
        ``("GET", callback_url_with_query)`` for a query response, or
        ``("POST", action_url, form_fields)`` for ``response_mode=form_post``.
        An error page of the provider's own (a bad client_id or redirect_uri,
        say) raises ``SignInError`` with the page's text.
        """
        browser = CookieClient()
        here = origin(self.issuer)
        method, url, data = "GET", authorize_url, None
        for _ in range(20):
            status, headers, body = browser.request(method, url, data)
            if status in (301, 302, 303, 307, 308):
                location = urllib.parse.urljoin(url, headers["Location"])
                if origin(location) != here:
                    return ("GET", location)
                method, url, data = "GET", location, None
                continue
            page = PageReader(body)
            form = page.forms[0] if page.forms else None
            if form and "Submitting Callback" in page.title:
                return ("POST", urllib.parse.urljoin(url, form.action), dict(form.fields))
            if status == 200 and form and form.fields.get("prompt") == "login":
                method = "POST"
                url = urllib.parse.urljoin(url, form.action)
                data = {**form.fields, "login": login, "password": password}
                continue
            if status == 200 and form and form.fields.get("prompt") == "consent":
                if consent:
                    method, url, data = "POST", urllib.parse.urljoin(url, form.action), form.fields
                else:
                    abort = next(link for link in page.links if link.endswith("/abort"))
                    method, url, data = "GET", urllib.parse.urljoin(url, abort), None
                continue
            raise SignInError(f"provider answered {status} at {url}: {page_text(body)}")
        raise SignInError(f"sign-in did not reach a redirect URI (last: {url})")

    # --- plumbing --------------------------------------------------------------

    def _admin(self, action: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        # S310: the issuer is this object's own loopback provider.
        request = urllib.request.Request(  # noqa: S310
            f"{self.issuer}/__harness/{action}",
            data,
            headers={
                "Authorization": f"Bearer {self._admin_token}",
                "Content-Type": "application/json",
            },
            method="POST" if body is not None else "GET",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.load(response)

    @staticmethod
    def _get_json(url: str) -> dict:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return json.load(response)
