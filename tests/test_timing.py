"""Sign-in takes as long for an unknown email as for a known one with a wrong password."""

import statistics
import time

import pytest

from tests.browser import Browser, csrf_token_in

ATTEMPTS = 15
WRONG_PASSWORD = "not the right password at all"


@pytest.fixture
def app_config():
    """No rate limit: the test makes many failed sign-ins on purpose."""
    return {"RATELIMIT_ENABLED": False}


def seconds_to_fail(browser: Browser, token: str, email: str) -> float:
    """Time one failed sign-in post, as the client sees it."""
    started = time.perf_counter()
    response = browser.client.post(
        "/auth/login", data={"email": email, "password": WRONG_PASSWORD, "csrf_token": token}
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    return elapsed


def test_an_unknown_email_fails_as_slowly_as_a_wrong_password(browser, make_user):
    make_user("ada@example.com")
    token = csrf_token_in(browser.get("/auth/login").get_data(as_text=True))
    seconds_to_fail(browser, token, "ada@example.com")  # warm-up: first connection, caches
    known, unknown = [], []
    for _ in range(ATTEMPTS):  # interleaved, so drift in machine load hits both alike
        known.append(seconds_to_fail(browser, token, "ada@example.com"))
        unknown.append(seconds_to_fail(browser, token, "nobody@example.com"))
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    assert unknown_median <= 1.5 * known_median
    assert known_median <= 1.5 * unknown_median
