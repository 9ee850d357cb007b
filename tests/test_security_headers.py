"""Security headers on every page, and friendly error pages."""

import pytest

from tests.browser import STRONG_PASSWORD

PAGES = ["/", "/auth/login", "/auth/signup", "/auth/forgot-password", "/no-such-page"]

#: Words that would mean a framework's debug page or a traceback reached the browser.
DEBUG_TEXT = ("Traceback", "werkzeug", 'File "', "Exception")


def csp_directives(response) -> dict[str, list[str]]:
    """Parse ``Content-Security-Policy`` into ``{directive: [sources]}``."""
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


#: Directives every page's policy must hold, with their one source.
STRICT_DIRECTIVES = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_strict_content_security_policy(client, path):
    directives = csp_directives(client.get(path))
    assert {name: directives.get(name) for name in STRICT_DIRECTIVES} == STRICT_DIRECTIVES


PROVIDERS = {
    "github": {
        "client_id": "id",
        "client_secret": "secret",
        "authorize_url": "https://github.example.com/login/oauth/authorize",
    },
    "acme": {"client_id": "id", "client_secret": "secret", "issuer": "https://id.acme.example/x"},
}


@pytest.mark.parametrize("app_config", [{"OAUTH_PROVIDERS": PROVIDERS}])
@pytest.mark.parametrize("path", ["/auth/login", "/auth/signup", "/no-such-page"])
def test_forms_may_also_lead_to_the_providers_sign_in_pages(client, path):
    # A provider button posts here and is sent on (303) to the provider: browsers hold
    # every redirect of a form's navigation to form-action, so 'self' alone kills it.
    directives = csp_directives(client.get(path))
    expected = ["'self'", "https://github.example.com", "https://id.acme.example"]
    assert directives["form-action"] == expected
    assert directives["default-src"] == ["'self'"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_content_sniffing_and_sets_a_referrer_policy(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    )


def test_hsts_is_sent_over_https_for_two_years_with_subdomains(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_hsts_is_sent_on_every_response_when_cookies_are_secure_even_behind_a_tls_proxy(app):
    # A proxy may terminate TLS without PROXY_FIX telling the app; production
    # (Secure cookies) still sends HSTS on every response (ASVS V3.4.1).
    app.config["SESSION_COOKIE_SECURE"] = True
    for path in ("/", "/auth/login", "/nowhere"):
        assert (
            "includeSubDomains" in app.test_client().get(path).headers["Strict-Transport-Security"]
        )


def test_hsts_is_not_sent_for_plain_http_local_use(client):
    # make run: plain http on 127.0.0.1, cookies not Secure.
    assert "Strict-Transport-Security" not in client.get("/").headers


def assert_friendly_page(response, status: int, title: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert title in page
    assert not [word for word in DEBUG_TEXT if word in page]


def test_an_unknown_address_gets_a_friendly_404(client):
    assert_friendly_page(client.get("/no-such-page"), 404, "Page not found")


def test_a_wrong_method_gets_a_friendly_405(client):
    assert_friendly_page(client.get("/verify/resend"), 405, "Not allowed")


def test_a_post_over_one_mebibyte_gets_a_friendly_413(client):
    response = client.post("/auth/signup", data={"name": "x" * (1024 * 1024 + 1)})
    assert_friendly_page(response, 413, "Too large")


@pytest.mark.parametrize("path", ["/auth/login", "/auth/signup", "/auth/forgot-password"])
def test_a_post_without_its_csrf_token_gets_a_friendly_400(client, path):
    response = client.post(path, data={"email": "ada@example.com", "password": "x"})
    assert_friendly_page(response, 400, "expired")


def test_error_pages_carry_the_security_headers_too(client):
    response = client.get("/no-such-page")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_allows_cross_origin_reads(client):
    for path in ("/", "/auth/login", "/healthz", "/nowhere"):
        response = client.get(path, headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in response.headers
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_every_cookie_is_host_bound_and_secure_in_production(app, make_user):
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_NAME"] = "__Host-flowpulse_state"
    make_user("ada@example.com")
    client = app.test_client()
    https = "https://localhost"
    page = client.get("/auth/login", base_url=https).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/auth/login",
        data={"csrf_token": token, "email": "ada@example.com", "password": STRONG_PASSWORD},
        base_url=https,
    )
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} == {
        "__Host-flowpulse_session",
        "__Host-flowpulse_state",
    }
    for cookie in cookies:
        attributes = cookie.lower()
        assert "; secure" in attributes and "; path=/" in attributes
        assert "domain=" not in attributes
