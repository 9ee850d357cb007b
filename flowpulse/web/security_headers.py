"""Security headers on every response."""

from flask import Flask, current_app, make_response, request
from flask.wrappers import Response

#: A strict policy: our own scripts, styles and images only; no plugins,
#: no <base> hijacking, no framing, forms post only to us. Avatars are
#: user-supplied http(s) URLs, so images may come from any web origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' http: https:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

#: Sent with every response; views may tighten Referrer-Policy (token pages).
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
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
    """Add the headers after every request."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set the security headers a view has not set itself."""
    present = {name.lower() for name, _ in response.headers}
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
