"""Attacks on the rate limits, one request after another.

Findings 2 and 5 (its limit half) of the outside review. Sign-in allows 5
failures per 5 minutes per address and forgot-password 5 requests per hour
per address, whatever the client IP, so every request here comes from an IP
of its own (one trusted proxy hop, ``X-Forwarded-For``): only the address
bucket stands between the attacker and more guesses or more mail. Judging a
new password is costly, so the routes that do it share 30 POSTs per 10
minutes per IP.
"""

import pytest

from tests.attack_helpers import (
    RESET_LINK,
    WRONG_PASSWORD,
    ask_for_reset,
    counting_password_checks,
    form_poster,
    from_ip,
    newest_link,
    signed_in_browser,
)
from tests.browser import STRONG_PASSWORD

ADA = "ada@example.com"
#: RFC 5321: no address is longer; a longer value is no address, padded or not.
LONGEST_ADDRESS = 254
#: At least 15 characters (so zxcvbn judges it) and far too easy to guess.
WEAK_PASSWORD = "passwordpassword1"
#: Characters that ``str.strip`` (the form's filter) removes from either end.
WHITESPACE = {"space": " ", "tab": "\t", "newline": "\n", "crlf": "\r\n", "em-space": "\u2003"}
#: Paddings other than plain spaces: a few short ones and the neighbourhood of
#: 320 characters, where today's limiter key (the raw value's first 320
#: characters) stops containing the whole address.
SOME_COUNTS = [1, 2, 3, 50, 239, 240, *range(295, 331, 5), 400]


@pytest.fixture
def app_config():
    """One trusted proxy hop, so each request can come from an IP of its own."""
    return {"PROXY_FIX_X_FOR": 1}


def padded_addresses() -> list[tuple[str, str]]:
    """Return (label, value) for ADA padded every way the form strips back to ADA."""
    variants = [(f"{n} spaces", " " * n + ADA) for n in range(1, 331)]
    for name, pad in WHITESPACE.items():
        variants += [(f"{n} x {name}", pad * n + ADA) for n in SOME_COUNTS]
        variants += [(f"ADA + {n} x {name}", ADA + pad * n) for n in SOME_COUNTS]
    variants += [(f"{n} spaces + upper case", " " * n + "ADA@Example.COM") for n in SOME_COUNTS]
    return variants


def test_whitespace_padding_opens_no_fresh_sign_in_bucket_for_an_address(
    monkeypatch, browser, make_user
):
    """After the address's five failures, padding it with whitespace (which the
    form strips) must not buy more guesses: every padded guess gets 429 unchecked."""
    make_user(ADA)
    post = form_poster(browser, "/auth/login")
    guess = {"email": ADA, "password": WRONG_PASSWORD}
    assert [post(guess, headers=from_ip(ip)).status_code for ip in range(5)] == [422] * 5

    leaks = []
    with counting_password_checks(monkeypatch) as checks:
        for ip, (label, email) in enumerate(padded_addresses(), start=5):
            before = len(checks)
            status = post({**guess, "email": email}, headers=from_ip(ip)).status_code
            refused = status == 429 if len(email) <= LONGEST_ADDRESS else 400 <= status < 500
            if len(checks) > before or not refused:
                leaks.append(f"{label}: {status}")

    assert not leaks, f"{len(leaks)} padded guesses were checked or not refused: {leaks}"


def test_a_sign_in_email_longer_than_any_address_is_refused_before_the_password_is_checked(
    monkeypatch, browser, make_user
):
    """A value longer than an address can be is no address: refuse it before any
    work, even with the right password."""
    make_user(ADA)
    post = form_poster(browser, "/auth/login")
    with counting_password_checks(monkeypatch) as checks:
        response = post({"email": " " * 300 + ADA, "password": STRONG_PASSWORD})
    assert 400 <= response.status_code < 500, "a 315-character email value signed in"
    assert checks == []


def test_whitespace_padding_gets_an_address_no_more_than_five_reset_mails(
    browser, make_user, mailbox
):
    """Forgot-password sends an address at most five mails an hour; padding the
    address must not open fresh buckets and flood its inbox."""
    make_user(ADA)
    post = form_poster(browser, "/auth/forgot-password")
    values = [ADA] * 5 + [email for _label, email in padded_addresses()]

    for ip, email in enumerate(values):
        post({"email": email}, headers=from_ip(ip))

    assert len(mailbox.to(ADA)) <= 5


def test_a_forgot_password_email_longer_than_any_address_is_refused_and_mails_nothing(
    browser, make_user, mailbox
):
    """A reset request whose value is longer than any address is refused before any work."""
    make_user(ADA)
    post = form_poster(browser, "/auth/forgot-password")
    response = post({"email": ADA + "\t" * 300})
    assert mailbox.to(ADA) == [], "a 315-character email value got a reset mail"
    assert 400 <= response.status_code < 500


def test_thirty_one_weak_passwords_posted_to_a_reset_link_meet_a_429(make_user, browser, mailbox):
    """Each new password is judged by zxcvbn (costly); a reset link must not let one
    client ask for that work without limit."""
    make_user(ADA)
    assert ask_for_reset(browser, ADA).status_code == 303
    post = form_poster(browser, newest_link(mailbox, ADA, RESET_LINK))

    statuses = [post({"password": WEAK_PASSWORD}).status_code for _ in range(31)]

    assert statuses[:30] == [422] * 30
    assert statuses[30] == 429, "the 31st weak password was judged like the first"


def test_sign_up_reset_and_password_change_share_one_limit_on_judging_new_passwords(
    make_user, new_browser, mailbox
):
    """Spreading the work over the three routes that judge a new password buys
    nothing: 10 weak posts to each spend the shared 30, and then each says 429."""
    make_user(ADA)
    resetter, newcomer = new_browser(), new_browser()
    assert ask_for_reset(resetter, ADA).status_code == 303
    reset = form_poster(resetter, newest_link(mailbox, ADA, RESET_LINK))
    account_holder = signed_in_browser(new_browser, ADA)
    change = form_poster(account_holder, "/profile/password")
    sign_up = form_poster(newcomer, "/auth/signup")
    posts = {
        "reset": lambda n: reset({"password": WEAK_PASSWORD}),
        "change": lambda n: change(
            {"current_password": STRONG_PASSWORD, "new_password": WEAK_PASSWORD}
        ),
        "sign-up": lambda n: sign_up(
            {"name": "Newcomer", "email": f"new{n}@example.com", "password": WEAK_PASSWORD}
        ),
    }

    first = {route: [post(n).status_code for n in range(10)] for route, post in posts.items()}
    then = {route: post(10).status_code for route, post in posts.items()}

    assert first == {route: [422] * 10 for route in posts}
    assert then == {route: 429 for route in posts}
