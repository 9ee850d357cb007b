"""Attacks through emailed links: who a link signs in, and what a mere GET does.

Findings 6, 8, 9 and 15 of the outside review, the "links survive mail
scanners" rule and the headers of link pages. Links are used with
``use_link``, which does what a person does (open it; press the button of a
confirmation page if there is one), so each test holds whether a GET uses
the link (today) or a confirmation page's POST does (after the fix).
"""

from urllib.parse import urlsplit

import pytest

from tests.attack_helpers import (
    NEW_PASSWORD,
    RESET_LINK,
    ask_for_email_change,
    ask_for_reset,
    links_to,
    newest_link,
    row_changes,
    set_password_with_link,
    signed_in_browser,
    signs_in,
    table_rows,
    use_link,
)
from tests.browser import OTHER_STRONG_PASSWORD, STRONG_PASSWORD
from tests.helpers import flashed_messages, main_text
from tests.mailbox import Mailbox

ADA = "ada@example.com"
NEW_ADDRESS = "ada.king@example.org"
VICTIM = "victim@example.com"
ATTACKER_ADDRESS = "mallory@evil.example"
#: The password the attacker chose for the victim's address (PA), and the victim's (PV).
ATTACKER_PASSWORD = STRONG_PASSWORD
VICTIM_PASSWORD = OTHER_STRONG_PASSWORD


def attacker_signs_up_with_the_victims_address(new_browser, mailbox) -> str:
    """The attacker registers VICTIM with their own password; return the link mailed to VICTIM."""
    attacker = new_browser()
    assert attacker.sign_up(VICTIM, ATTACKER_PASSWORD, name="Mallory").status_code == 303
    return newest_link(mailbox, VICTIM)


def victim_signs_up(new_browser):
    """Later the victim signs up with their own address and password, as anyone would."""
    victim = new_browser()
    answer = victim.sign_up(VICTIM, VICTIM_PASSWORD, name="Victor Vance")
    assert answer.status_code == 303
    shown = main_text(victim.get(answer.headers["Location"]))
    assert "check your inbox" in shown.lower()
    return victim


def test_a_victims_sign_up_over_an_attackers_unverified_account_leaves_the_attackers_link_dead(
    new_browser, mailbox
):
    """The attacker pre-registers the victim's address; the victim signs up and then
    opens the first mail in their inbox, the attacker's link, which must not sign
    them in to an account whose password the attacker knows."""
    attackers_link = attacker_signs_up_with_the_victims_address(new_browser, mailbox)
    victim = victim_signs_up(new_browser)
    assert links_to(mailbox, VICTIM)[0] == attackers_link

    use_link(victim, attackers_link)

    in_a_trapped_account = victim.is_signed_in() and signs_in(
        new_browser, VICTIM, ATTACKER_PASSWORD
    )
    assert not in_a_trapped_account, "the victim now uses an account the attacker can sign in to"


def test_the_victims_own_sign_up_link_signs_them_in_and_only_their_password_works(
    new_browser, mailbox
):
    """The victim's sign-up starts the unverified account over: their own link (the
    newest mail) signs them in, and the attacker's password no longer does."""
    attacker_signs_up_with_the_victims_address(new_browser, mailbox)
    victim = victim_signs_up(new_browser)
    own = [link for link in Mailbox.links(mailbox.last_to(VICTIM)) if "/verify/email/" in link]
    assert own, "the victim's sign-up mailed them no link of their own"

    use_link(victim, own[0])

    assert victim.is_signed_in()
    assert not signs_in(new_browser, VICTIM, ATTACKER_PASSWORD), "the attacker's password works"
    assert signs_in(new_browser, VICTIM, VICTIM_PASSWORD)


def test_a_sign_up_link_opened_in_another_browser_verifies_the_address_but_signs_nobody_in(
    browser, new_browser, mailbox, user_row
):
    """Whoever gets hold of a sign-up link (a forwarded mail, a shared screen) must
    not be signed in by it in their own browser."""
    assert browser.sign_up(ADA).status_code == 303
    elsewhere = new_browser()

    response = use_link(elsewhere, newest_link(mailbox, ADA))
    shown = " ".join(flashed_messages(elsewhere.get(response.headers.get("Location", "/"))))

    assert user_row(ADA).email_verified
    assert not elsewhere.is_signed_in(), "the link signed in a browser that never signed up"
    assert not browser.is_signed_in()
    assert response.status_code // 100 == 3
    assert urlsplit(response.headers["Location"]).path == "/auth/login"
    assert "sign in to continue" in shown.lower()


@pytest.mark.parametrize(
    "then_change_the_email", [False, True], ids=["after-reset", "after-reset-and-email-change"]
)
def test_an_unused_sign_up_link_signs_nobody_in_once_the_account_was_recovered(
    browser, new_browser, mailbox, user_row, then_change_the_email
):
    """An old, unused sign-up link stays in the mailbox after the owner reset the
    password (which verified the address); a link never signs in a verified user."""
    assert browser.sign_up(ADA).status_code == 303
    sign_up_link = newest_link(mailbox, ADA)
    owner = new_browser()
    ask_for_reset(owner, ADA)
    assert set_password_with_link(owner, newest_link(mailbox, ADA, RESET_LINK)).status_code == 303
    assert user_row(ADA).email_verified
    if then_change_the_email:
        owner = signed_in_browser(new_browser, ADA, NEW_PASSWORD)
        assert ask_for_email_change(owner, NEW_ADDRESS, NEW_PASSWORD).status_code == 303
        use_link(owner, newest_link(mailbox, NEW_ADDRESS))
        assert user_row(NEW_ADDRESS) is not None
    stranger = new_browser()

    use_link(browser, sign_up_link)
    use_link(stranger, sign_up_link)

    assert not browser.is_signed_in(), "the old sign-up link signed the sign-up browser in"
    assert not stranger.is_signed_in(), "the old sign-up link signed a stranger in"


def test_a_signed_in_victim_made_to_open_an_attackers_sign_up_link_stays_signed_in_as_themselves(
    make_user, new_browser, mailbox
):
    """Login CSRF: the attacker signs up and gets the victim's browser to open the
    attacker's own link, hoping it silently swaps the victim into the attacker's account."""
    make_user(VICTIM, name="Victor Vance")
    victim = signed_in_browser(new_browser, VICTIM)
    assert new_browser().sign_up(ATTACKER_ADDRESS, name="Mallory").status_code == 303

    victim.get(newest_link(mailbox, ATTACKER_ADDRESS))

    page = victim.get("/profile").get_data(as_text=True)
    assert ATTACKER_ADDRESS not in page, "the victim's browser is signed in as the attacker"
    assert VICTIM in page


def test_a_post_to_a_sign_up_link_without_a_csrf_token_is_refused_and_changes_nothing(
    app, make_user, new_browser, mailbox
):
    """A cross-site form cannot carry our CSRF token: posting it to the attacker's link
    from the victim's browser must be refused with 400 and leave every row alone."""
    make_user(VICTIM, name="Victor Vance")
    victim = signed_in_browser(new_browser, VICTIM)
    assert new_browser().sign_up(ATTACKER_ADDRESS, name="Mallory").status_code == 303
    link = newest_link(mailbox, ATTACKER_ADDRESS)
    before = table_rows(app)

    response = victim.client.post(link, data={})

    changes = row_changes(before, table_rows(app))
    assert not changes, "; ".join(changes)
    assert VICTIM in victim.get("/profile").get_data(as_text=True)
    assert response.status_code == 400


def test_mail_scanners_opening_every_emailed_link_three_times_use_none_of_them(
    app, make_user, new_browser, mailbox, user_row
):
    """Mail security scanners fetch every link of a message before the person does;
    those GETs must change no row, and each link must still work for the person."""
    signer = new_browser()
    assert signer.sign_up("newcomer@example.com").status_code == 303
    make_user("mover@example.com", name="Mover")
    mover = signed_in_browser(new_browser, "mover@example.com")
    assert ask_for_email_change(mover, "moved@example.org").status_code == 303
    make_user("forgetful@example.com", name="Forgetful")
    forgetful = new_browser()
    assert ask_for_reset(forgetful, "forgetful@example.com").status_code == 303
    sign_up = newest_link(mailbox, "newcomer@example.com")
    change = newest_link(mailbox, "moved@example.org")
    reset = newest_link(mailbox, "forgetful@example.com", RESET_LINK)
    before = table_rows(app)

    scanner = new_browser()
    for _ in range(3):
        for link in (sign_up, change, reset):
            scanner.get(link)

    changes = row_changes(before, table_rows(app))
    assert not changes, "a scanner's GETs changed the database: " + "; ".join(changes)
    use_link(signer, sign_up)
    assert user_row("newcomer@example.com").email_verified
    use_link(mover, change)
    assert user_row("moved@example.org") is not None
    assert set_password_with_link(forgetful, reset).status_code == 303
    assert signs_in(new_browser, "forgetful@example.com", NEW_PASSWORD)


@pytest.mark.parametrize("kind", ["sign-up", "email-change"])
def test_the_page_of_an_emailed_address_link_stays_out_of_referers_caches_and_search_indexes(
    make_user, browser, mailbox, kind
):
    """The token is in the page's URL: the page must not leak it in a Referer, be kept
    by a cache, or be indexed by a crawler that was handed the link."""
    if kind == "sign-up":
        assert browser.sign_up(ADA).status_code == 303
        link = newest_link(mailbox, ADA)
    else:
        make_user(ADA)
        assert browser.sign_in(ADA).status_code == 303
        assert ask_for_email_change(browser, NEW_ADDRESS).status_code == 303
        link = newest_link(mailbox, NEW_ADDRESS)

    headers = browser.get(link).headers  # opened where the person signed up or asked

    assert headers.get("Referrer-Policy") == "no-referrer"
    assert "no-store" in headers.get("Cache-Control", "")
    assert "noindex" in headers.get("X-Robots-Tag", "")


def test_a_reset_link_page_opened_signed_out_is_not_kept_by_caches(make_user, new_browser, mailbox):
    """The reset form's page carries the token in its URL; no cache may store it."""
    make_user(ADA)
    assert ask_for_reset(new_browser(), ADA).status_code == 303

    response = new_browser().get(newest_link(mailbox, ADA, RESET_LINK))

    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")
