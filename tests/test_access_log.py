"""The production access log never records a token from a link."""

import pytest

from flowpulse.web.access_log import mask_token_path


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/auth/reset-password/abc.DEF-123_x", "/auth/reset-password/[token]"),
        ("/verify/email/abc.DEF-123_x", "/verify/email/[token]"),
        ("/profile", "/profile"),
        ("/auth/login", "/auth/login"),
    ],
)
def test_token_paths_are_masked(path, logged):
    assert mask_token_path(path) == logged
