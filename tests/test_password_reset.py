"""/auth/forgot-password and /auth/reset-password/<token>: choosing a new password by email."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from flowpulse.core.clock import utcnow
from flowpulse.core.models import Session, Verification
from flowpulse.services.credentials import password_matches
from tests.browser import (
    LONG_PASSPHRASE,
    STRONG_PASSWORD,
    Browser,
    csrf_token_in,
)
from tests.helpers import database_problems, field_error, flashed_messages, run_at_once
from tests.mailbox import Mailbox

EMAIL = "ada@example.com"
NEW_PASSWORD = "violet submarines hum at dawn 31"
LINK_PREFIX = "http://localhost/auth/reset-password/"
#: "mike@example.com" with a dotless i: another address that looks the same.
LOOK_ALIKE = "m\N{LATIN SMALL LETTER DOTLESS I}ke@example.com"
#: Browsers racing to use one reset link (the other races: tests/test_races.py).
CROWD = 8


def ask_for_a_reset(browser: Browser, email: str, **kwargs):
    return browser.submit("/auth/forgot-password", {"email": email}, **kwargs)


def reset_path(mailbox: Mailbox, email: str = EMAIL) -> str:
    """Return the path of the reset link in the newest message to ``email``."""
    [link] = [
        link for link in Mailbox.links(mailbox.last_to(email)) if link.startswith(LINK_PREFIX)
    ]
    return urlsplit(link).path


def emailed_reset_path(browser: Browser, mailbox: Mailbox, email: str = EMAIL) -> str:
    ask_for_a_reset(browser, email)
    return reset_path(mailbox, email)


def set_new_password(browser: Browser, path: str, password: str = NEW_PASSWORD):
    return browser.submit(path, {"password": password})


def session_count(app) -> int:
    with app.app_context():
        return Session.select().count()


def expire_every_link(app) -> None:
    with app.app_context():
        Verification.update(expires_at=utcnow() - timedelta(minutes=1)).execute()


@pytest.mark.parametrize(
    "email",
    [
        "ada@example.com",
        "ADA@Example.COM",
        "nobody@example.com",
        LOOK_ALIKE,
        "nobody+tag@xn--bcher-kva.ch",
        "  ada@example.com  ",
    ],
    ids=["known", "known-other-case", "unknown", "dotless-i", "punycode", "padded"],
)
def test_forgot_password_answers_every_address_like_an_unknown_one(make_user, new_browser, email):
    make_user(EMAIL)
    answers = []
    for address in (email, "stranger@example.org"):
        browser = new_browser()
        response = ask_for_a_reset(browser, address)
        page = browser.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], flashed_messages(page)))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (303, "/auth/login")
    assert "we sent it a link" in answers[0][2][0]


def test_a_malformed_address_is_refused_next_to_the_field_without_mail(browser, mailbox):
    response = ask_for_a_reset(browser, "not an email")
    assert response.status_code in (400, 422)
    assert field_error(response, "email")
    assert mailbox.messages == []


def test_only_a_known_address_receives_mail(make_user, browser, mailbox):
    make_user(EMAIL)
    ask_for_a_reset(browser, "nobody@example.com")
    assert mailbox.messages == []
    ask_for_a_reset(browser, EMAIL)
    assert [rcpt for _sender, rcpt in mailbox.envelopes] == [[EMAIL]]


def test_the_link_goes_to_the_stored_address_not_the_typed_one(make_user, browser, mailbox):
    make_user("mike@example.com", name="Mike Jones")
    ask_for_a_reset(browser, "MIKE@Example.com")
    assert [rcpt for _sender, rcpt in mailbox.envelopes] == [["mike@example.com"]]


def test_a_dotless_i_look_alike_does_not_receive_the_owners_link(make_user, browser, mailbox):
    make_user("mike@example.com", name="Mike Jones")
    ask_for_a_reset(browser, LOOK_ALIKE)
    assert mailbox.messages == []


@pytest.mark.parametrize(
    "headers",
    [{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}],
    ids=["host", "x-forwarded-host"],
)
def test_the_link_is_built_from_base_url_whatever_host_the_request_names(
    app, make_user, mailbox, headers
):
    make_user(EMAIL)
    client = app.test_client()
    page = client.get("/auth/forgot-password", headers=headers)
    token = csrf_token_in(page.get_data(as_text=True))
    client.post(
        "/auth/forgot-password", data={"email": EMAIL, "csrf_token": token}, headers=headers
    )
    message = mailbox.last_to(EMAIL)
    assert "evil.example" not in Mailbox.text(message)
    assert any(link.startswith(LINK_PREFIX) for link in Mailbox.links(message))


def test_opening_the_link_shows_the_form_without_using_it_up(make_user, browser, mailbox):
    make_user(EMAIL)
    path = emailed_reset_path(browser, mailbox)
    first, second = browser.get(path), browser.get(path)
    assert first.status_code == second.status_code == 200
    assert 'name="password"' in second.get_data(as_text=True)
    assert set_new_password(browser, path).status_code == 303


def test_a_reset_replaces_the_password(make_user, browser, mailbox, new_browser):
    make_user(EMAIL)
    response = set_new_password(browser, emailed_reset_path(browser, mailbox))
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"
    assert new_browser().sign_in(EMAIL, STRONG_PASSWORD).status_code == 422
    assert new_browser().sign_in(EMAIL, NEW_PASSWORD).status_code == 303


def test_a_reset_marks_the_address_verified(make_user, browser, mailbox, user_row):
    make_user(EMAIL, verified=False)
    set_new_password(browser, emailed_reset_path(browser, mailbox))
    assert user_row(EMAIL).email_verified


def test_a_reset_ends_every_session_and_signs_nobody_in(app, make_user, mailbox, new_browser):
    make_user(EMAIL)
    phone, laptop, resetter = new_browser(), new_browser(), new_browser()
    phone.sign_in(EMAIL)
    laptop.sign_in(EMAIL)
    assert phone.is_signed_in() and laptop.is_signed_in()
    set_new_password(resetter, emailed_reset_path(resetter, mailbox))
    assert not phone.is_signed_in()
    assert not laptop.is_signed_in()
    assert not resetter.is_signed_in()
    assert session_count(app) == 0


def test_a_reset_is_confirmed_by_a_password_changed_email(make_user, browser, mailbox):
    make_user(EMAIL)
    set_new_password(browser, emailed_reset_path(browser, mailbox))
    assert "password was changed" in mailbox.last_to(EMAIL)["Subject"].lower()


def test_the_link_works_only_once(make_user, browser, mailbox, new_browser):
    make_user(EMAIL)
    path = emailed_reset_path(browser, mailbox)
    form = browser.ready_to_submit(path, {"password": NEW_PASSWORD})
    set_new_password(browser, path)
    second = form()
    assert second.status_code == 400
    assert "not valid" in second.get_data(as_text=True)
    assert browser.get(path).status_code == 400
    assert new_browser().sign_in(EMAIL, NEW_PASSWORD).status_code == 303


def test_simultaneous_resets_with_one_link_let_exactly_one_through(
    app, make_user, mailbox, new_browser, user_row
):
    make_user(EMAIL)
    path = emailed_reset_path(new_browser(), mailbox)
    # A different strong password for each browser (every prefix of 15+ is strong).
    passwords = [LONG_PASSPHRASE[: 40 + number] for number in range(CROWD)]
    posts = [new_browser().ready_to_submit(path, {"password": p}) for p in passwords]
    statuses = [response.status_code for response in run_at_once(*posts)]
    assert sorted(statuses) == [303] + [400] * (CROWD - 1)
    winner = passwords[statuses.index(303)]
    with app.app_context():
        user = user_row(EMAIL)
        assert [password_matches(user, p) for p in passwords].count(True) == 1
        assert password_matches(user, winner)
    assert new_browser().sign_in(EMAIL, winner).status_code == 303
    assert database_problems(app) == []


@pytest.mark.parametrize(
    ("password", "message"),
    [("tiny password1", "at least 15"), ("ada@example.com1234", "too easy")],
    ids=["short", "guessable"],
)
def test_a_weak_new_password_is_refused_without_using_the_link_up(
    make_user, browser, mailbox, new_browser, password, message
):
    make_user(EMAIL)
    path = emailed_reset_path(browser, mailbox)
    refused = set_new_password(browser, path, password)
    assert refused.status_code in (400, 422)
    assert message in field_error(refused, "password").lower()
    assert new_browser().sign_in(EMAIL, STRONG_PASSWORD).status_code == 303
    assert set_new_password(browser, path).status_code == 303


def test_reset_pages_keep_the_token_out_of_referers(make_user, browser, mailbox):
    make_user(EMAIL)
    path = emailed_reset_path(browser, mailbox)
    form_page = browser.get(path)
    refused_form = set_new_password(browser, path, "tiny password1")
    set_new_password(browser, path)
    used_link = browser.get(path)
    for page in (form_page, refused_form, used_link):
        assert page.headers["Referrer-Policy"] == "no-referrer"


def test_an_expired_link_is_refused_and_changes_nothing(
    app, make_user, browser, mailbox, new_browser
):
    make_user(EMAIL)
    path = emailed_reset_path(browser, mailbox)
    form = browser.ready_to_submit(path, {"password": NEW_PASSWORD})
    expire_every_link(app)
    opened = browser.get(path)
    assert opened.status_code == 400
    assert "expired" in opened.get_data(as_text=True)
    assert form().status_code == 400
    assert new_browser().sign_in(EMAIL, STRONG_PASSWORD).status_code == 303


@pytest.mark.parametrize("token", ["abc", "x.y", "%00", "a" * 5_000, "ünïcødé"])
def test_garbage_reset_tokens_are_refused_without_a_server_error(client, token):
    assert client.get(f"/auth/reset-password/{token}").status_code in (400, 404)
