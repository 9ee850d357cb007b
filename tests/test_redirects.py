"""flowpulse/redirects.py: ``next`` may only lead back to this site."""

import pytest

from flowpulse.web.redirects import safe_next_url


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/profile",
        "/profile?tab=1",
        "/profile#devices",
        "/profile/sessions?from=%2Fprofile",
        "/profile/caf%C3%A9",
    ],
)
def test_a_path_on_this_site_is_followed(target):
    assert safe_next_url(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example",
        "http://evil.example/profile",
        "HTTPS://evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "/%2F/evil.example",
        "%2F%2Fevil.example",
        "/%0d%0aSet-Cookie:x=1",
        "/profile\x00",
        "/profile\x7f",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http:/evil",
        "profile",
        " /profile",
        "/" + "a" * 2048,
    ],
    ids=[
        "none",
        "empty",
        "absolute",
        "absolute-with-path",
        "upper-case-scheme",
        "scheme-relative",
        "triple-slash",
        "backslash",
        "double-backslash",
        "encoded-backslash",
        "tab",
        "encoded-tab",
        "encoded-slash",
        "encoded-double-slash",
        "crlf",
        "nul",
        "del",
        "javascript",
        "javascript-mixed-case",
        "data",
        "http-single-slash",
        "relative",
        "leading-space",
        "too-long",
    ],
)
def test_anything_that_could_leave_the_site_is_ignored(target):
    assert safe_next_url(target) is None
