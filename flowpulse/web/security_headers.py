"""Security headers on every response."""

from flask import Flask, current_app, make_response, request
from flask.wrappers import Response

from flowpulse.social.providers import sign_in_origins

#: Where an app keeps its own policy (``form-action`` naming its providers).
POLICY_KEY = "flowpulse.content_security_policy"


def content_security_policy(sign_in_origins=()) -> str:
    """A strict policy: our own scripts, styles and images only; no plugins,
    no <base> hijacking, no framing, forms post only to us. Avatars are
    user-supplied http(s) URLs, so images may come from any web origin.

    A provider button's form posts to us and is sent on (303) to the
    provider's sign-in page: browsers hold every redirect of a form's
    navigation to ``form-action``, so the providers' origins are named too
    (``'self'`` alone leaves each button dead in Chromium).
    """
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' http: https:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            " ".join(["form-action 'self'", *sign_in_origins]),
        ]
    )


#: The policy of an app without providers.
CONTENT_SECURITY_POLICY = content_security_policy()

#: Sent with every response; views may tighten Referrer-Policy (token pages).
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

#: The same, keyed by lower-case name: one set lookup per header on every response.
_HEADERS_BY_KEY = {name.lower(): (name, value) for name, value in HEADERS.items()}

#: Two years, the HSTS preload list's requirement.
HSTS = "max-age=63072000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Add the headers after every request (after ``social.init_app`` read the providers)."""
    providers = app.extensions.get("flowpulse.social.providers", {})
    app.extensions[POLICY_KEY] = content_security_policy(sign_in_origins(providers))
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set the security headers a view has not set itself."""
    present = {name.lower() for name, _ in response.headers}
    if "content-security-policy" not in present:
        policy = current_app.extensions.get(POLICY_KEY, CONTENT_SECURITY_POLICY)
        response.headers["Content-Security-Policy"] = policy
    response.headers.extend(header for key, header in _HEADERS_BY_KEY.items() if key not in present)
    # ASVS V3.4.1: on every response of a deployment served over HTTPS. A
    # proxy may terminate TLS without telling us, so "cookies are Secure"
    # (production) is the signal too; browsers ignore HSTS over plain http.
    if request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


#: Headers of a page whose URL carries a secret (an emailed link): its token
#: must not leak through Referer, caches or search engines, and the page may
#: show an address meant only for whoever holds the link.
PRIVATE_PAGE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}


def private_page(page: str, status: int = 200) -> Response:
    """Return ``page`` with the headers of a page reached through an emailed link."""
    response = make_response(page, status)
    response.headers.update(PRIVATE_PAGE_HEADERS)
    return response
