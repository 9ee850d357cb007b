"""Rate-limit storage: Redis shares counters across processes; without it, fail closed."""

import os
from secrets import token_hex

import pytest

from tests.browser import Browser
from tests.live_server import HttpBrowser, LiveServer
from tests.mailbox import free_port

#: A Redis server for the shared-storage tests (CI sets it; .ci/run starts one).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _fail_sign_in(browser: Browser, email: str):
    return browser.sign_in(email, "certainly not the password 123")


@pytest.fixture
def app_config():
    return {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"}


def test_sign_in_fails_closed_with_503_when_the_limit_store_is_down(browser):
    response = _fail_sign_in(browser, "ada@example.com")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_pages_without_limits_still_work_while_the_limit_store_is_down(browser):
    assert browser.get("/auth/login").status_code == 200
    assert browser.get("/").status_code == 200


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_two_processes_sharing_redis_share_the_per_address_limit(database_url, app):
    # Two real worker processes, one Redis: the address bucket is shared, so
    # spreading guesses over workers buys nothing. A fresh key prefix keeps
    # this run's counters apart from any other run's.
    settings = {"RATELIMIT_STORAGE_URI": TEST_REDIS_URL, "RATELIMIT_KEY_PREFIX": token_hex(6)}
    servers = [LiveServer(database_url, **settings) for _ in range(2)]
    try:
        first, second = (HttpBrowser(server.wait_until_up().url) for server in servers)
        guess = {"email": "ada@example.com", "password": "certainly not the password 123"}
        statuses = [first.submit("/auth/login", guess)[0] for _ in range(5)]
        status, headers, _ = second.submit("/auth/login", guess)
    finally:
        for server in servers:
            server.stop()
    assert statuses == [422] * 5
    assert status == 429
    assert int(headers["Retry-After"]) > 0


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_processes_with_memory_storage_do_not_share_counters(database_url, app):
    # The control for the test above: with memory:// each process counts alone.
    servers = [LiveServer(database_url, RATELIMIT_STORAGE_URI="memory://") for _ in range(2)]
    try:
        first, second = (HttpBrowser(server.wait_until_up().url) for server in servers)
        guess = {"email": "ada@example.com", "password": "certainly not the password 123"}
        for _ in range(5):
            first.submit("/auth/login", guess)
        status, _, _ = second.submit("/auth/login", guess)
    finally:
        for server in servers:
            server.stop()
    assert status == 422
