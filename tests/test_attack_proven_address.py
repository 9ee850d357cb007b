"""Attacks on the rule "an address belongs to whoever proves it" (issue #31, High 2 and Low 6).

The reported attack: a GitHub account with the victim's address as an
*unverified* primary presses "Continue with GitHub". Before the fix that wrote
an unverified user and the linked ``account`` row, refused ("verify your email
first") and mailed the victim a link; once the victim proved the address (a
password reset, that very link, or an operator's ``flask users verify``) the
attacker's identity stayed linked and signed in to her account.

Now an identity whose address the provider does not vouch for is never
stored, and whatever proves an address removes every way in the prover did
not bring (identities linked by an older release included) and tells the
owner what went.
"""

import re
from dataclasses import replace

import pytest

from flowpulse.core.database import db
from flowpulse.core.models import MODELS, Account, Passkey, TwoFactor, User
from flowpulse.social import clients
from tests.attack_helpers import (
    NEW_PASSWORD,
    RESET_LINK,
    ask_for_reset,
    newest_link,
    set_password_with_link,
    signs_in,
)
from tests.browser import STRONG_PASSWORD
from tests.helpers import main_text
from tests.oauth_servers.github import GitHubServer, GitHubUser
from tests.passkey_helpers import add_passkey
from tests.social import (  # noqa: F401 (fixtures)
    GITHUB,
    accounts_of,
    acme_settings,
    app_config,
    counts,
    extra_config,
    page_text,
    sign_in_with,
)
from tests.soft_authenticator import SoftAuthenticator
from tests.two_factor_helpers import turn_on

VICTIM = "victim@example.com"
#: The attacker's GitHub account: the victim's address as its primary, which GitHub never verified.
MALLORY = GitHubUser(
    id=666,
    login="mallory",
    name="Mallory",
    emails=[{"email": VICTIM, "primary": True, "verified": False, "visibility": None}],
)
NOTICE_SUBJECT = "Ways into your account were removed"
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=|data-csrf=)"[^"]*"')


def the_notice_to(mailbox, address: str):
    """The one "ways in removed" notice mailed to ``address``."""
    [notice] = [m for m in mailbox.to(address) if m["Subject"] == NOTICE_SUBJECT]
    return notice


def every_row(app) -> dict[str, int]:
    """How many rows each table holds."""
    with app.app_context():
        found = {model._meta.table_name: model.select().count() for model in MODELS}
        db.close()
    return found


def without_csrf(response) -> str:
    return CSRF_VALUE.sub(r'\1""', response.get_data(as_text=True))


def attacker_presses_github(new_browser, github_server):
    """Mallory presses "Continue with GitHub" in a browser of her own; return (browser, answer)."""
    github_server.add_user(MALLORY)
    attacker = new_browser()
    return attacker, sign_in_with(attacker, github_server, login="mallory")


def linked_by_an_older_release(app) -> User:
    """Write what the attack's first press wrote before this fix: Mallory's unverified user and
    her GitHub identity linked to it (rows like these may be in any deployed database)."""
    with app.app_context():
        user = User.create(name="Mallory", email=VICTIM, email_verified=False)
        Account.create(user=user.id, provider_id=GITHUB, account_id=str(MALLORY.id))
        db.close()
    return user


def press_again_after_the_victim_proves_her_address(new_browser, github_server, mailbox, app):
    """Mallory's identity must not sign in, and the victim is told her account lost it."""
    attacker, answer = attacker_presses_github(new_browser, github_server)
    assert answer.status_code != 303, answer.headers.get("Location")
    assert not attacker.is_signed_in()
    assert GITHUB not in accounts_of(app, VICTIM)
    assert "GitHub sign-in" in mailbox.text(the_notice_to(mailbox, VICTIM))


# -- The front door: an unvouched identity is never stored ---------------------


def test_the_attacks_first_press_writes_no_row_and_sends_no_mail(
    app, new_browser, github_server, mailbox
):
    before = every_row(app)
    attacker, answer = attacker_presses_github(new_browser, github_server)
    assert answer.status_code == 403
    assert "GitHub hasn't confirmed that this address is yours" in main_text(answer)
    assert every_row(app) == before
    assert mailbox.messages == []
    assert not attacker.is_signed_in()


@pytest.mark.parametrize("provider", ["acme", "github"])
def test_an_unvouched_identity_gets_one_answer_whether_the_address_is_new_verified_or_not(
    app, new_browser, oidc_provider, github_server, make_user, mailbox, provider
):
    # Acme's "bob" sends email_verified=false; GitHub's primary address is unverified.
    address = "bob@example.com"
    github_server.add_user(replace(MALLORY, emails=[{**MALLORY.emails[0], "email": address}]))
    server = oidc_provider if provider == "acme" else github_server
    login = "bob" if provider == "acme" else "mallory"
    answers = []
    for registered in (None, True, False):  # new, registered-verified, registered-unverified
        with app.app_context():
            User.delete().execute()
            db.close()
        if registered is not None:
            make_user(address, verified=registered)
        mailbox.clear()
        before = every_row(app)
        answer = sign_in_with(new_browser(), server, login=login)
        assert every_row(app) == before, registered  # nothing written...
        assert mailbox.messages == [], registered  # ...and nothing sent
        answers.append((answer.status_code, without_csrf(answer)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 403


# -- Identities linked before the fix: proving the address removes them --------


def test_a_password_reset_removes_the_attackers_identity(app, new_browser, github_server, mailbox):
    linked_by_an_older_release(app)
    _, refused = attacker_presses_github(new_browser, github_server)
    assert refused.status_code == 403  # verify first, and a link to the victim's inbox
    victim = new_browser()
    ask_for_reset(victim, VICTIM)
    assert set_password_with_link(victim, newest_link(mailbox, VICTIM, RESET_LINK)).status_code in (
        302,
        303,
    )
    press_again_after_the_victim_proves_her_address(new_browser, github_server, mailbox, app)
    assert accounts_of(app, VICTIM) == ["credential"]
    assert signs_in(new_browser, VICTIM, NEW_PASSWORD)


def test_the_verification_link_the_attempt_triggered_removes_the_attackers_identity(
    app, new_browser, github_server, mailbox
):
    linked_by_an_older_release(app)
    _, refused = attacker_presses_github(new_browser, github_server)
    assert refused.status_code == 403
    victim = new_browser()
    assert victim.confirm_link(newest_link(mailbox, VICTIM)).status_code == 303
    with app.app_context():
        assert User.by_email(VICTIM).email_verified is True
    press_again_after_the_victim_proves_her_address(new_browser, github_server, mailbox, app)
    assert accounts_of(app, VICTIM) == []


def test_flask_users_verify_removes_the_attackers_identity_and_says_so(
    app, runner, new_browser, github_server, mailbox
):
    linked_by_an_older_release(app)
    result = runner.invoke(args=["users", "verify", VICTIM])
    assert result.exit_code == 0, result.output
    assert f"Marked {VICTIM} as verified." in result.output
    assert "Removed: GitHub sign-in" in result.output
    press_again_after_the_victim_proves_her_address(new_browser, github_server, mailbox, app)


# -- Start-over and provider linking: one removal, one notice --------------------


def unverified_ada_with_passkey_and_app(app, browser) -> None:
    """Ada's account with a passkey and an authenticator app, then its address unproven
    (set up while verification was off, say)."""
    assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    turn_on(browser)
    with app.app_context():
        User.update(email_verified=False).where(User.email == "ada@example.com").execute()
        db.close()
    browser.sign_out()


def second_factors_of(app) -> tuple[int, int]:
    with app.app_context():
        found = (Passkey.select().count(), TwoFactor.select().count())
        db.close()
    return found


def assert_owner_told_of_passkey_and_app(mailbox) -> None:
    text = mailbox.text(the_notice_to(mailbox, "ada@example.com"))
    assert "1 passkey" in text and "authenticator app" in text


def test_starting_over_removes_passkeys_and_the_authenticator_app_and_tells_the_owner(
    app, browser, ada, new_browser, mailbox
):
    unverified_ada_with_passkey_and_app(app, browser)
    assert second_factors_of(app) == (1, 1)
    new_browser().sign_up("ada@example.com", password=NEW_PASSWORD, name="Someone Else")
    assert second_factors_of(app) == (0, 0)
    assert_owner_told_of_passkey_and_app(mailbox)


def test_provider_linking_removes_passkeys_and_the_authenticator_app_and_tells_the_owner(
    app, browser, ada, new_browser, oidc_provider, mailbox
):
    unverified_ada_with_passkey_and_app(app, browser)
    answer = sign_in_with(new_browser(), oidc_provider, login="ada")  # Acme vouches for ada
    assert answer.status_code == 303
    assert second_factors_of(app) == (0, 0)
    assert accounts_of(app, "ada@example.com") == ["acme"]
    assert_owner_told_of_passkey_and_app(mailbox)
    assert not signs_in(new_browser, "ada@example.com", STRONG_PASSWORD)


# -- The issuer: a provider id re-pointed at another tenant ------------------------


def point_github_at(app, server: GitHubServer) -> None:
    """Re-point the ``github`` provider's settings at another GitHub (another tenant)."""
    providers = app.extensions["flowpulse.social.providers"]
    moved = replace(
        providers[GITHUB],
        client_id=server.client_id,
        client_secret=server.client_secret,
        authorize_url=server.authorize_url,
        token_url=server.token_url,
        api_base_url=server.api_base_url,
    )
    providers[GITHUB] = moved
    app.extensions[clients.EXTENSION][GITHUB] = clients.make_client(moved)


def test_an_identity_linked_at_another_issuer_is_refused_not_signed_in_nor_relinked(
    app, browser, new_browser, github_server, caplog
):
    assert sign_in_with(browser, github_server).status_code == 303  # octocat, id 12345
    before = counts(app)
    with GitHubServer() as other_tenant:  # its own octocat, with the same numeric id
        other_tenant.users["octocat"].emails[0]["email"] = "someone-else@example.com"
        point_github_at(app, other_tenant)
        stranger = new_browser()
        answer = sign_in_with(stranger, other_tenant)
    assert answer.status_code == 403
    assert "GitHub" in page_text(answer)
    assert not stranger.is_signed_in()
    assert counts(app) == before
    assert "issuer" in caplog.text


# -- The owner's own proof: an email change keeps their ways in -----------------


@pytest.mark.parametrize("extra_config", [{"AUTH_REQUIRE_EMAIL_VERIFICATION": False}])
def test_an_email_change_from_an_unverified_address_keeps_the_owners_ways_in(
    app, browser, new_browser, make_user, mailbox
):
    make_user("ada@example.com", verified=False)
    assert browser.sign_in("ada@example.com").status_code == 303
    assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    elsewhere = new_browser()
    assert elsewhere.sign_in("ada@example.com").status_code == 303
    browser.submit(
        "/profile/email", {"new_email": "ada@example.org", "current_password": STRONG_PASSWORD}
    )
    assert browser.confirm_link(newest_link(mailbox, "ada@example.org")).status_code == 303
    with app.app_context():
        assert User.by_email("ada@example.org").email_verified is True
        db.close()
    # The signed-in requester owned the account: password and passkey stay,
    # only the other device is signed out (as with any email change).
    assert second_factors_of(app) == (1, 0)
    assert accounts_of(app, "ada@example.org") == ["credential"]
    assert browser.is_signed_in() and not elsewhere.is_signed_in()
    assert [m for m in mailbox.messages if m["Subject"] == NOTICE_SUBJECT] == []
