"""The social sign-in test harness proves itself against a plain OAuth client (Authlib).

The OpenID Connect provider (oidc-provider under Node.js) starts once for
the whole session; the GitHub stand-in once per test.
"""

import base64
import json
import urllib.parse

import pytest

from tests.oauth_servers import fixtures
from tests.oauth_servers.github import GitHubServer, GitHubUser
from tests.oauth_servers.oidc import UNAVAILABLE, unavailable_reason

requests = pytest.importorskip("requests", reason="pip install requests")
pytest.importorskip("authlib", reason="pip install 'authlib>=1.3,<2'")
pytest.importorskip("joserfc", reason="pip install 'joserfc>=1,<2'")

from authlib.common.errors import AuthlibBaseError  # noqa: E402
from authlib.common.security import generate_token  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402
from joserfc import jwt  # noqa: E402
from joserfc.errors import BadSignatureError, InvalidKeyIdError, JoseError  # noqa: E402
from joserfc.jwk import KeySet  # noqa: E402

CALLBACK = fixtures.OIDC_REDIRECT_URIS[0]


def query_of(url: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def unverified_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def verified_claims(provider, id_token: str) -> dict:
    """The ID token's claims if its signature verifies against the provider's JWKS."""
    return jwt.decode(id_token, KeySet.import_key_set(provider.jwks()), algorithms=["RS256"]).claims


class Flow:
    """One authorization code flow with PKCE S256, state and nonce, as a client runs it."""

    def __init__(self, provider, *, scope="openid email profile", auth="client_secret_basic"):
        self.provider = provider
        self.session = OAuth2Session(
            provider.client_id,
            provider.client_secret,
            scope=scope,
            redirect_uri=CALLBACK,
            code_challenge_method="S256",
            token_endpoint_auth_method=auth,
        )
        self.verifier = generate_token(48)
        self.nonce = generate_token(20)

    def authorize_url(self, **params) -> str:
        url, self.state = self.session.create_authorization_url(
            self.provider.authorization_endpoint,
            code_verifier=self.verifier,
            nonce=self.nonce,
            **params,
        )
        return url

    def callback(self, **sign_in) -> dict:
        """Sign in and return the query of the redirect to the callback."""
        method, url = self.provider.sign_in(self.authorize_url(), **sign_in)
        assert method == "GET"
        assert url.startswith(CALLBACK + "?")
        return query_of(url)

    def tokens(self, **sign_in) -> dict:
        response = self.callback(**sign_in)
        assert response["state"] == self.state
        return self.session.fetch_token(
            self.provider.token_endpoint, code=response["code"], code_verifier=self.verifier
        )


# --- the OpenID Connect provider -------------------------------------------------


def test_discovery_describes_the_provider(oidc_provider):
    metadata = oidc_provider.metadata
    assert metadata["issuer"] == oidc_provider.issuer
    assert oidc_provider.issuer.startswith("http://127.0.0.1:")
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert "form_post" in metadata["response_modes_supported"]
    assert metadata["response_types_supported"] == ["code"]
    assert {"authorization_code", "refresh_token"} <= set(metadata["grant_types_supported"])
    assert {"client_secret_basic", "client_secret_post"} <= set(
        metadata["token_endpoint_auth_methods_supported"]
    )
    assert {"email", "email_verified", "name"} <= set(metadata["claims_supported"])
    [key] = oidc_provider.jwks()["keys"]
    assert key["kty"] == "RSA" and "d" not in key


def test_code_flow_with_pkce_and_nonce_gives_a_verifiable_id_token(oidc_provider):
    flow = Flow(oidc_provider)
    response = flow.callback()
    assert response["iss"] == oidc_provider.issuer  # RFC 9207
    assert response["state"] == flow.state
    token = flow.session.fetch_token(
        oidc_provider.token_endpoint, code=response["code"], code_verifier=flow.verifier
    )
    claims = verified_claims(oidc_provider, token["id_token"])
    assert claims["iss"] == oidc_provider.issuer
    assert claims["aud"] == oidc_provider.client_id
    assert claims["nonce"] == flow.nonce
    assert claims["sub"] == "alice"
    assert claims["email"] == "alice@example.com"
    assert claims["email_verified"] is True
    assert claims["name"] == "Alice Example"
    userinfo = flow.session.get(oidc_provider.userinfo_endpoint).json()
    assert userinfo["sub"] == "alice" and userinfo["email"] == "alice@example.com"


def test_client_secret_post_is_accepted_too(oidc_provider):
    token = Flow(oidc_provider, auth="client_secret_post").tokens()
    assert token["access_token"]


def test_pkce_is_required(oidc_provider):
    session = OAuth2Session(
        oidc_provider.client_id, oidc_provider.client_secret, scope="openid", redirect_uri=CALLBACK
    )
    url, _ = session.create_authorization_url(oidc_provider.authorization_endpoint)
    _, callback = oidc_provider.sign_in(url)
    response = query_of(callback)
    assert response["error"] == "invalid_request"
    assert "PKCE" in response["error_description"]


def test_a_wrong_code_verifier_is_refused(oidc_provider):
    flow = Flow(oidc_provider)
    response = flow.callback()
    answer = requests.post(
        oidc_provider.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": response["code"],
            "redirect_uri": CALLBACK,
            "code_verifier": generate_token(48),
        },
        auth=(oidc_provider.client_id, oidc_provider.client_secret),
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_form_post_mode_answers_with_a_post(oidc_provider):
    flow = Flow(oidc_provider)
    method, action, fields = oidc_provider.sign_in(flow.authorize_url(response_mode="form_post"))
    assert (method, action) == ("POST", CALLBACK)
    assert set(fields) == {"code", "state", "iss"}
    assert fields["state"] == flow.state
    assert fields["iss"] == oidc_provider.issuer
    token = flow.session.fetch_token(
        oidc_provider.token_endpoint, code=fields["code"], code_verifier=flow.verifier
    )
    assert verified_claims(oidc_provider, token["id_token"])["nonce"] == flow.nonce


def test_a_refresh_token_is_issued_and_works(oidc_provider):
    flow = Flow(oidc_provider)
    token = flow.tokens()
    assert token["refresh_token"]
    refreshed = flow.session.refresh_token(
        oidc_provider.token_endpoint, refresh_token=token["refresh_token"]
    )
    assert refreshed["access_token"] != token["access_token"]
    assert verified_claims(oidc_provider, refreshed["id_token"])["sub"] == "alice"


def test_refresh_tokens_can_be_switched_off(oidc_provider):
    oidc_provider.configure(issue_refresh_tokens=False)
    assert "refresh_token" not in Flow(oidc_provider).tokens()


@pytest.mark.parametrize("response_mode", ["query", "form_post"])
def test_refusing_consent_gives_access_denied(oidc_provider, response_mode):
    flow = Flow(oidc_provider)
    answer = oidc_provider.sign_in(flow.authorize_url(response_mode=response_mode), consent=False)
    response = query_of(answer[1]) if answer[0] == "GET" else answer[2]
    assert response["error"] == "access_denied"
    assert response["state"] == flow.state
    assert response["iss"] == oidc_provider.issuer
    assert "code" not in response


def test_a_sub_without_an_account_entry_has_no_email(oidc_provider):
    flow = Flow(oidc_provider)
    token = flow.tokens(login="nobody-in-particular")
    claims = verified_claims(oidc_provider, token["id_token"])
    assert claims["sub"] == "nobody-in-particular"
    assert "email" not in claims and "email_verified" not in claims
    userinfo = flow.session.get(oidc_provider.userinfo_endpoint).json()
    assert userinfo == {"sub": "nobody-in-particular"}


def test_claims_can_be_kept_out_of_the_id_token(oidc_provider):
    oidc_provider.configure(claims_in_id_token=False)
    flow = Flow(oidc_provider)
    claims = verified_claims(oidc_provider, flow.tokens()["id_token"])
    assert "email" not in claims and "name" not in claims
    userinfo = flow.session.get(oidc_provider.userinfo_endpoint).json()
    assert userinfo["email"] == "alice@example.com"
    assert userinfo["email_verified"] is True


def test_accounts_are_set_per_test_and_reset_after(oidc_provider):
    account = {"email": "zoe@example.com", "email_verified": False, "name": "Zoë"}
    oidc_provider.configure(accounts={"zoe": account})
    claims = verified_claims(oidc_provider, Flow(oidc_provider).tokens(login="zoe")["id_token"])
    assert (claims["email"], claims["email_verified"], claims["name"]) == (
        "zoe@example.com",
        False,
        "Zoë",
    )
    oidc_provider.reset()
    assert "zoe" not in oidc_provider.state()["accounts"]
    assert "alice" in oidc_provider.state()["accounts"]


def test_redirect_uris_are_registered_per_test(oidc_provider):
    other = "http://127.0.0.1:5999/auth/oidc/callback"
    session = OAuth2Session(
        oidc_provider.client_id,
        oidc_provider.client_secret,
        scope="openid",
        redirect_uri=other,
        code_challenge_method="S256",
    )
    url, _ = session.create_authorization_url(
        oidc_provider.authorization_endpoint, code_verifier=generate_token(48)
    )
    with pytest.raises(AssertionError, match="redirect_uri"):
        oidc_provider.sign_in(url)
    oidc_provider.register_redirect_uris(other)
    _, callback = oidc_provider.sign_in(url)
    assert callback.startswith(other + "?code=")


def test_provider_cookies_cannot_collide_with_flowpulses(oidc_provider):
    from tests.oauth_servers.browser import CookieClient

    browser = CookieClient()
    browser.request("GET", Flow(oidc_provider).authorize_url())
    names = {cookie.name for cookie in browser.cookies}
    assert names and all(name.startswith("oidc_harness_") for name in names)


@pytest.mark.parametrize("switch", [True, "a-kid-nobody-published"])
def test_stranger_key_signs_id_tokens_the_jwks_cannot_verify(oidc_provider, switch):
    oidc_provider.configure(stranger_key=switch)
    id_token = Flow(oidc_provider).tokens()["id_token"]
    [published] = oidc_provider.jwks()["keys"]
    header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    assert header["kid"] == (published["kid"] if switch is True else switch)
    assert unverified_claims(id_token)["aud"] == oidc_provider.client_id  # only the key is wrong
    with pytest.raises(BadSignatureError if switch is True else InvalidKeyIdError):
        verified_claims(oidc_provider, id_token)


@pytest.mark.parametrize(
    ("switch", "aud"),
    [(True, "someone-else"), (["flowpulse-test", "other-app"], ["flowpulse-test", "other-app"])],
)
def test_wrong_aud_gives_a_well_signed_token_for_someone_else(oidc_provider, switch, aud):
    oidc_provider.configure(wrong_aud=switch)
    flow = Flow(oidc_provider)
    claims = verified_claims(oidc_provider, flow.tokens()["id_token"])
    assert claims["aud"] == aud
    assert claims["nonce"] == flow.nonce


@pytest.mark.parametrize("response_mode", ["query", "form_post"])
def test_wrong_iss_in_the_authorization_response(oidc_provider, response_mode):
    oidc_provider.configure(wrong_iss="https://evil.example")
    flow = Flow(oidc_provider)
    answer = oidc_provider.sign_in(flow.authorize_url(response_mode=response_mode))
    response = query_of(answer[1]) if answer[0] == "GET" else answer[2]
    assert response["iss"] == "https://evil.example"
    assert response["code"]
    token = flow.session.fetch_token(
        oidc_provider.token_endpoint, code=response["code"], code_verifier=flow.verifier
    )
    assert verified_claims(oidc_provider, token["id_token"])["iss"] == oidc_provider.issuer


def test_switches_are_reset_between_tests(oidc_provider):
    switches = oidc_provider.state()["switches"]
    assert switches == {
        "claims_in_id_token": True,
        "issue_refresh_tokens": True,
        "stranger_key": False,
        "wrong_aud": False,
        "wrong_iss": False,
    }
    with pytest.raises(ValueError, match="unknown switches"):
        oidc_provider.configure(no_such_switch=True)


def test_issued_tokens_lists_every_token_handed_out(oidc_provider):
    assert oidc_provider.issued_tokens() == []
    flow = Flow(oidc_provider)
    token = flow.tokens()
    refreshed = flow.session.refresh_token(
        oidc_provider.token_endpoint, refresh_token=token["refresh_token"]
    )
    issued = oidc_provider.issued_tokens()
    for value in (
        token["access_token"],
        token["refresh_token"],
        token["id_token"],
        refreshed["access_token"],
    ):
        assert value in issued
    assert len(oidc_provider.issued_tokens("authorization_code")) == 1
    assert oidc_provider.issued_tokens("access_token") == [
        token["access_token"],
        refreshed["access_token"],
    ]
    oidc_provider.forget_tokens()
    assert oidc_provider.issued_tokens() == []


def test_the_provider_started_once_and_quickly(oidc_provider):
    assert oidc_provider.startup_seconds < 10
    assert "ready " + oidc_provider.issuer in oidc_provider.log_text()


def test_missing_node_is_one_clear_line(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert unavailable_reason() == UNAVAILABLE
    assert "\n" not in UNAVAILABLE and "npm ci" in UNAVAILABLE


# --- the GitHub stand-in -------------------------------------------------------------


class GitHubFlow:
    def __init__(self, server: GitHubServer, *, scope="read:user user:email", **session):
        self.server = server
        self.session = OAuth2Session(
            server.client_id,
            server.client_secret,
            scope=scope,
            redirect_uri=CALLBACK,
            code_challenge_method="S256",
            **session,
        )
        self.verifier = generate_token(48)

    def callback(self, **sign_in) -> dict:
        url, self.state = self.session.create_authorization_url(
            self.server.authorize_url, code_verifier=self.verifier
        )
        method, callback = self.server.sign_in(url, **sign_in)
        assert method == "GET" and callback.startswith(CALLBACK + "?")
        return query_of(callback)

    def exchange(self, code: str, verifier: str | None = None, secret: str | None = None) -> dict:
        answer = requests.post(
            self.server.token_url,
            data={
                "client_id": self.server.client_id,
                "client_secret": secret or self.server.client_secret,
                "code": code,
                "redirect_uri": CALLBACK,
                "code_verifier": verifier or self.verifier,
            },
            headers={"Accept": "application/json"},
            timeout=10,
        )
        assert answer.status_code == 200  # GitHub answers errors with 200 too
        return answer.json()


def test_github_full_flow(github_server):
    flow = GitHubFlow(github_server)
    response = flow.callback()
    assert set(response) == {"code", "state"} and response["state"] == flow.state
    token = flow.session.fetch_token(
        github_server.token_url, code=response["code"], code_verifier=flow.verifier
    )
    assert token["access_token"].startswith("gho_")
    assert token["token_type"] == "bearer"
    assert token["scope"] == "read:user,user:email"
    assert "refresh_token" not in token
    user = flow.session.get(github_server.api_base_url + "user").json()
    assert (user["id"], user["login"], user["email"]) == (12345, "octocat", None)
    emails = flow.session.get(github_server.api_base_url + "user/emails").json()
    assert emails == [
        {"email": "octocat@example.com", "primary": True, "verified": True, "visibility": None}
    ]
    [authorize] = [r for r in github_server.requests if r["path"] == "/login/oauth/authorize"]
    assert authorize["query"]["code_challenge_method"] == "S256"
    assert github_server.issued_tokens("access_token") == [token["access_token"]]


def test_github_checks_the_pkce_verifier_and_codes_are_single_use(github_server):
    flow = GitHubFlow(github_server)
    code = flow.callback()["code"]
    wrong = flow.exchange(code, verifier=generate_token(48))
    assert wrong["error"] == "bad_verification_code"
    assert flow.exchange(code)["error"] == "bad_verification_code"  # spent by the failed try

    code = flow.callback()["code"]
    assert flow.exchange(code)["access_token"]
    again = flow.exchange(code)
    assert again == {
        "error": "bad_verification_code",
        "error_description": "The code passed is incorrect or expired.",
        "error_uri": again["error_uri"],
    }


def test_github_answers_form_encoded_without_accept_json(github_server):
    flow = GitHubFlow(github_server)
    code = flow.callback()["code"]
    answer = requests.post(
        github_server.token_url,
        data={"code": code, "code_verifier": flow.verifier},
        auth=(github_server.client_id, github_server.client_secret),  # HTTP Basic
        timeout=10,
    )
    assert answer.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    fields = dict(urllib.parse.parse_qsl(answer.text))
    assert fields["access_token"].startswith("gho_") and fields["token_type"] == "bearer"


def test_github_refuses_a_wrong_client_secret(github_server):
    flow = GitHubFlow(github_server)
    code = flow.callback()["code"]
    assert flow.exchange(code, secret="not-it")["error"] == "incorrect_client_credentials"
    assert flow.exchange(code)["access_token"]  # a refused client did not spend the code


def test_github_deny_mode(github_server):
    response = GitHubFlow(github_server).callback(consent=False)
    assert response["error"] == "access_denied"
    assert response["error_description"] == "The user has denied your application access."
    assert "code" not in response


def test_github_refresh_tokens_are_configurable(github_server):
    github_server.issue_refresh_tokens = True
    flow = GitHubFlow(github_server)
    token = flow.exchange(flow.callback()["code"])
    assert token["access_token"].startswith("ghu_") and token["expires_in"] == 28800
    assert token["refresh_token"].startswith("ghr_")
    refreshed = flow.session.refresh_token(
        github_server.token_url, refresh_token=token["refresh_token"]
    )
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]  # rotated
    assert set(github_server.issued_tokens("refresh_token")) == {
        token["refresh_token"],
        refreshed["refresh_token"],
    }


def test_github_users_and_emails_are_configurable(github_server):
    github_server.add_user(
        GitHubUser(
            id=777,
            login="hubber",
            name="Hub Ber",
            email="public@example.com",
            emails=[
                {
                    "email": "hub@example.com",
                    "primary": True,
                    "verified": False,
                    "visibility": None,
                },
                {
                    "email": "public@example.com",
                    "primary": False,
                    "verified": True,
                    "visibility": "public",
                },
            ],
        ),
        sign_in=False,
    )
    flow = GitHubFlow(github_server)
    token = flow.exchange(flow.callback(login="hubber")["code"])
    headers = {"Authorization": f"token {token['access_token']}", "User-Agent": "test"}
    user = requests.get(github_server.api_base_url + "user", headers=headers, timeout=10).json()
    assert (user["id"], user["login"], user["email"]) == (777, "hubber", "public@example.com")
    emails = requests.get(github_server.api_base_url + "user/emails", headers=headers, timeout=10)
    assert [e["verified"] for e in emails.json()] == [False, True]


def test_github_api_checks_token_and_scope(github_server):
    flow = GitHubFlow(github_server, scope="read:user")
    token = flow.exchange(flow.callback()["code"])
    api = github_server.api_base_url
    good = {"Authorization": f"Bearer {token['access_token']}", "User-Agent": "test"}
    assert requests.get(api + "user", headers=good, timeout=10).status_code == 200
    assert requests.get(api + "user/emails", headers=good, timeout=10).status_code == 404
    bad = {"Authorization": "Bearer gho_nope", "User-Agent": "test"}
    answer = requests.get(api + "user", headers=bad, timeout=10)
    assert answer.status_code == 401 and answer.json()["message"] == "Bad credentials"


def test_github_redirect_uri_must_match_the_callback():
    with GitHubServer(callback_urls=[CALLBACK]) as server:
        session = OAuth2Session(server.client_id, redirect_uri="http://localhost/elsewhere")
        url, _ = session.create_authorization_url(server.authorize_url, state="s")
        _, callback = server.sign_in(url)
        assert callback.startswith(CALLBACK + "?")
        assert query_of(callback)["error"] == "redirect_uri_mismatch"
        below = OAuth2Session(server.client_id, redirect_uri=CALLBACK + "/github")
        url, _ = below.create_authorization_url(server.authorize_url)
        assert "code" in query_of(server.sign_in(url)[1])


# --- a real web client: Authlib's Flask integration, as FlowPulse will use it ------------


def flask_client_app(provider):
    """A minimal Flask app signing in with Authlib's Flask client (what FlowPulse will do)."""
    from authlib.integrations.flask_client import OAuth
    from flask import Flask

    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="flask-client-test")
    oauth = OAuth(app)
    oauth.register(
        "idp",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )

    @app.get("/login/<mode>")
    def login(mode):
        return oauth.idp.authorize_redirect(CALLBACK, response_mode=mode)

    @app.route("/callback", methods=["GET", "POST"])
    def callback():
        return oauth.idp.authorize_access_token()["userinfo"]

    return app


def deliver(client, answer):
    """Hand the provider's redirect (GET) or form_post (POST) to a Flask test client."""
    if answer[0] == "GET":
        parts = urllib.parse.urlsplit(answer[1])
        return client.get(f"{parts.path}?{parts.query}")
    return client.post(urllib.parse.urlsplit(answer[1]).path, data=answer[2])


@pytest.mark.parametrize("mode", ["query", "form_post"])
def test_a_flask_client_signs_in(oidc_provider, mode):
    client = flask_client_app(oidc_provider).test_client()
    start = client.get(f"/login/{mode}")
    answer = deliver(client, oidc_provider.sign_in(start.headers["Location"], login="ada"))
    assert answer.status_code == 200
    assert answer.json["sub"] == "ada" and answer.json["email"] == "ada@example.com"


# Not wrong_iss: Authlib's Flask client (1.9) does not look at RFC 9207's iss at
# all, so FlowPulse's callback has to; that switch exists to test it does.
@pytest.mark.parametrize("attack", ["stranger_key", "wrong_aud"])
def test_a_flask_client_rejects_the_id_token_attacks(oidc_provider, attack):
    oidc_provider.configure(**{attack: True})
    client = flask_client_app(oidc_provider).test_client()
    start = client.get("/login/query")
    answer = oidc_provider.sign_in(start.headers["Location"])
    # Authlib >= 1.6 checks ID tokens with joserfc; older ones with authlib.jose.
    with pytest.raises((JoseError, AuthlibBaseError)):
        deliver(client, answer)
