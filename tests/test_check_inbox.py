"""After sign-up: "Check your inbox", naming the address, with "Resend" and "Start again".

"Resend" says what happened, judged by this browser's own history, so its
words are the same whether or not the address has an account.
"""

import re
import time

from tests.helpers import flashed_messages, main_text

EMAIL = "grace@example.com"


def sign_up_and_follow(browser, email=EMAIL):
    answer = browser.sign_up(email, name="Grace Hopper")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/auth/check-inbox"
    return browser.get("/auth/check-inbox")


def resend(browser, email=EMAIL):
    return browser.submit("/auth/check-inbox", {"email": email}, action="/verify/resend")


def test_signing_up_ends_on_check_your_inbox_naming_the_address(browser):
    page = sign_up_and_follow(browser)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<title>Check your inbox · FlowPulse</title>" in html
    assert f"We sent a link to {EMAIL} . Open it" in main_text(page)
    assert '<button type="submit" class="secondary">Resend the link</button>' in html
    assert f'<input type="hidden" name="email" value="{EMAIL}">' in html
    assert 'Wrong address? <a href="/auth/signup">Start again</a>' in html


def test_resending_at_once_says_a_link_went_out_a_moment_ago_and_sends_nothing(browser, mailbox):
    sign_up_and_follow(browser)
    assert len(mailbox.to(EMAIL)) == 1
    answer = resend(browser)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/auth/check-inbox"
    [message] = flashed_messages(browser.get("/auth/check-inbox"))
    assert message.startswith(f"We sent a link to {EMAIL} a moment ago.")
    assert "you can ask for another in" in message
    assert len(mailbox.to(EMAIL)) == 1


def test_resending_a_minute_later_sends_a_new_link(browser, mailbox, monkeypatch):
    sign_up_and_follow(browser)
    later = time.time() + 61
    monkeypatch.setattr("flowpulse.web.inbox.time.time", lambda: later)
    monkeypatch.setattr(
        "flowpulse.services.messages.tokens.issued_within", lambda *args, **kwargs: False
    )
    resend(browser)
    [message] = flashed_messages(browser.get("/auth/check-inbox"))
    assert message == "If that address is waiting to be verified, we sent it a new link."
    assert len(mailbox.to(EMAIL)) == 2


def test_the_moment_ago_answer_is_the_same_for_a_taken_address(make_user, new_browser):
    make_user("ada@example.com")
    answers = []
    for email in ("ada@example.com", EMAIL):
        browser = new_browser()
        sign_up_and_follow(browser, email)
        resend(browser, email)
        shown = flashed_messages(browser.get("/auth/check-inbox"))
        answers.append(
            [re.sub(r"\d+ seconds", "N seconds", t.replace(email, "ADDRESS")) for t in shown]
        )
    assert answers[0] == answers[1]


def test_asking_for_another_address_names_that_one_and_sends_at_once(browser, mailbox, make_user):
    make_user("lin@example.com", verified=False)
    sign_up_and_follow(browser)
    mailbox.clear()
    resend(browser, "lin@example.com")
    page = browser.get("/auth/check-inbox")
    assert "We sent a link to lin@example.com . Open it" in main_text(page)
    assert flashed_messages(page) == [
        "If that address is waiting to be verified, we sent it a new link."
    ]


def test_the_page_without_a_sign_up_asks_for_the_address(client):
    html = client.get("/auth/check-inbox").get_data(as_text=True)
    assert '<input type="email" id="resend-email" name="email"' in html
