"""Attacks on the rate limits with parallel requests: every guess counted before it is checked.

Finding 3 of the outside review. Flask-Limiter's ``deduct_when`` tests the
limit before the view and counts the hit after it, so requests arriving
together all pass the test and are all checked. Each test sends 40 requests
at once (``run_at_once``; each its own browser, CSRF token loaded first), on
memory storage and on Redis (``TEST_REDIS_URL``, a fresh key prefix per test).
"""

import os
from secrets import token_hex

import pytest
import redis

from flowpulse.core.models import User
from tests.attack_helpers import (
    WRONG_PASSWORD,
    counting_password_checks,
    from_ip,
    ready_to_post,
)
from tests.browser import STRONG_PASSWORD
from tests.helpers import run_at_once

#: A Redis server for the shared-storage variant (as in test_rate_limit_storage.py).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")

ADA = "ada@example.com"
#: Requests sent at the same moment.
CROWD = 40
#: ``LOGIN_PER_EMAIL``, ``LOGIN_PER_IP`` and ``SIGNUP_PER_IP``: 5 per 5 minutes,
#: 10 per minute, 20 per hour.
FAILURES_PER_ADDRESS, FAILURES_PER_IP, SIGN_UPS_PER_IP = 5, 10, 20


#: This run's Redis keys. Flask-Limiter keeps the first key prefix its process
#: saw, so one prefix serves the whole run and each test deletes its counters.
KEY_PREFIX = f"attack-races-{token_hex(6)}"


def forget_counters(client: redis.Redis) -> None:
    for key in client.scan_iter(match=f"*{KEY_PREFIX}*"):
        client.delete(key)


@pytest.fixture(params=["memory-storage", "redis-storage"])
def app_config(request):
    """Trust one proxy hop (an IP per request), on memory or on Redis storage."""
    config = {"PROXY_FIX_X_FOR": 1}
    if request.param == "redis-storage":
        if not TEST_REDIS_URL:
            pytest.skip("TEST_REDIS_URL is not set")
        client = redis.Redis.from_url(TEST_REDIS_URL)
        forget_counters(client)
        request.addfinalizer(lambda: forget_counters(client))
        config.update(RATELIMIT_STORAGE_URI=TEST_REDIS_URL, RATELIMIT_KEY_PREFIX=KEY_PREFIX)
    return config


def statuses_of(responses) -> list[int]:
    return [response.status_code for response in responses]


def guesses(new_browser, emails: list[str], ips: list[int]):
    """Return calls that each post one wrong password, from its own browser."""
    return [
        ready_to_post(
            new_browser(),
            "/auth/login",
            {"email": email, "password": WRONG_PASSWORD},
            headers=from_ip(ip),
        )
        for email, ip in zip(emails, ips, strict=True)
    ]


def test_forty_parallel_wrong_passwords_for_one_address_get_at_most_five_checked(
    monkeypatch, make_user, new_browser
):
    """An attacker sends 40 guesses for one address at once, each from another IP:
    no more than the address's five failures may be checked."""
    make_user(ADA)
    posts = guesses(new_browser, [ADA] * CROWD, list(range(CROWD)))

    with counting_password_checks(monkeypatch) as checks:
        statuses = statuses_of(run_at_once(*posts))

    assert statuses.count(422) <= FAILURES_PER_ADDRESS, f"{statuses.count(422)} guesses checked"
    assert statuses.count(422) + statuses.count(429) == CROWD, statuses
    assert len(checks) <= FAILURES_PER_ADDRESS


def test_forty_parallel_wrong_passwords_from_one_ip_get_at_most_ten_checked(
    monkeypatch, new_browser
):
    """One IP sends 40 guesses at once, each for another address: no more than the
    IP's ten failures may be checked."""
    emails = [f"person{number}@example.com" for number in range(CROWD)]
    posts = guesses(new_browser, emails, [7] * CROWD)

    with counting_password_checks(monkeypatch) as checks:
        statuses = statuses_of(run_at_once(*posts))

    assert statuses.count(422) <= FAILURES_PER_IP, f"{statuses.count(422)} guesses checked"
    assert statuses.count(422) + statuses.count(429) == CROWD, statuses
    assert len(checks) <= FAILURES_PER_IP


def test_forty_parallel_sign_ups_from_one_ip_create_at_most_twenty_accounts(app, new_browser):
    """One IP sends 40 valid sign-ups at once: no more than the IP's twenty
    accounts an hour may be created."""
    posts = [
        ready_to_post(
            new_browser(),
            "/auth/signup",
            {"name": f"Person {n}", "email": f"person{n}@example.com", "password": STRONG_PASSWORD},
            headers=from_ip(7),
        )
        for n in range(CROWD)
    ]

    statuses = statuses_of(run_at_once(*posts))

    with app.app_context():
        created = User.select().count()
    assert created <= SIGN_UPS_PER_IP, f"{created} accounts were created"
    assert statuses.count(303) + statuses.count(429) == CROWD, statuses


def test_successful_sign_ins_do_not_count_when_the_guesses_after_them_arrive_at_once(
    make_user, new_browser
):
    """After 4 failures and 3 successful sign-ins the address has one failure left:
    of 40 guesses arriving together exactly one is checked (422), the rest get 429."""
    make_user(ADA)
    for ip in range(4):
        [fail] = guesses(new_browser, [ADA], [ip])
        assert fail().status_code == 422
    for _ in range(3):
        assert new_browser().sign_in(ADA).status_code == 303
    posts = guesses(new_browser, [ADA] * CROWD, list(range(10, 10 + CROWD)))

    statuses = statuses_of(run_at_once(*posts))

    assert statuses.count(422) == 1, f"{statuses.count(422)} of the guesses were checked"
    assert statuses.count(429) == CROWD - 1
