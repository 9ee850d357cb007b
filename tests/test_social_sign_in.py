"""Signing in and up with a provider: the real OpenID Connect provider, and GitHub's stand-in.

Every rule about who an identity signs in is one test here;
the attacks are in ``test_social_attacks.py``.
"""

import pytest

from flowpulse.core.models import Account, AccountIssuer, Session, User
from flowpulse.core.models.seed import CREDENTIAL_PROVIDER
from tests.helpers import flashed_messages, main_text
from tests.oauth_servers.github import GitHubUser
from tests.social import (  # noqa: F401 (fixtures)
    accounts_of,
    acme_settings,
    app_config,
    authorize,
    counts,
    deliver,
    extra_config,
    page_text,
    sign_in_with,
    start,
)


@pytest.mark.parametrize("page", ["/auth/login", "/auth/signup"])
def test_the_sign_in_and_sign_up_pages_show_one_post_button_per_provider(client, page):
    html = client.get(page).get_data(as_text=True)
    for provider_id, label in (("acme", "Acme ID"), ("github", "GitHub")):
        form = f'<form method="post" action="/auth/oauth/{provider_id}">'
        assert html.count(form) == 1
        assert f"Continue with {label}</button>" in html
    assert html.count('name="csrf_token"') >= 3


def test_a_new_identity_with_an_unknown_email_creates_the_user_and_its_account(
    app, browser, oidc_provider, mailbox
):
    response = sign_in_with(browser, oidc_provider, login="alice")
    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"
    assert browser.is_signed_in()
    with app.app_context():
        user = User.by_email("alice@example.com")
        assert (user.name, user.email_verified) == ("Alice Example", True)
        [account] = Account.select().where(Account.user == user.id)
        assert (account.provider_id, account.account_id) == ("acme", "alice")
        assert account.scope == "openid email profile"
        assert account.access_token_expires_at is not None
    # No password was chosen, so none exists.
    assert accounts_of(app, "alice@example.com") == ["acme"]


def test_a_linked_identity_signs_in_its_user_with_a_fresh_session_row(
    app, browser, new_browser, oidc_provider
):
    assert sign_in_with(browser, oidc_provider).status_code == 303
    other = new_browser()
    assert sign_in_with(other, oidc_provider).status_code == 303
    assert counts(app) == (1, 1, 2)  # one user, one identity, two devices
    assert browser.session_cookie.value != other.session_cookie.value
    assert browser.is_signed_in() and other.is_signed_in()


def test_an_identity_linked_before_issuers_were_stored_gets_its_issuer_at_the_next_sign_in(
    app, browser, github_server, make_user
):
    octocat = make_user("octocat@example.com")
    with app.app_context():
        account = Account.create(user=octocat.id, provider_id="github", account_id="12345")
    assert sign_in_with(browser, github_server).status_code == 303
    with app.app_context():
        assert AccountIssuer.get_by_id(account.id).issuer == github_server.api_base_url


def test_no_email_from_the_provider_is_refused_and_creates_nothing(app, browser, oidc_provider):
    response = sign_in_with(browser, oidc_provider, login="nobody-in-particular")
    assert response.status_code == 400
    assert "did not share an email address" in page_text(response)
    assert counts(app) == (0, 0, 0)
    assert not browser.is_signed_in()


def test_an_unvouched_email_is_refused_and_nothing_is_stored_or_sent(
    app, browser, oidc_provider, mailbox
):
    response = sign_in_with(browser, oidc_provider, login="bob")  # Acme: email_verified false
    assert response.status_code == 403
    assert "Acme ID hasn't confirmed that this address is yours" in main_text(response)
    assert "then connect Acme ID from your profile" in main_text(response)
    assert counts(app) == (0, 0, 0)
    assert mailbox.messages == []
    assert not browser.is_signed_in()


def test_an_identity_linked_before_with_an_unverified_address_gets_verify_first_and_a_link(
    app, browser, new_browser, oidc_provider, mailbox
):
    # An older release stored unvouched identities: they keep signing in their user.
    with app.app_context():
        bob = User.create(name="Bob Example", email="bob@example.com")
        Account.create(user=bob.id, provider_id="acme", account_id="bob")
    response = sign_in_with(browser, oidc_provider, login="bob")
    assert response.status_code == 403
    assert "Please verify your email first" in page_text(response)
    assert not browser.is_signed_in()
    link = mailbox.links(mailbox.last_to("bob@example.com"))[0]
    # The link is bound to the browser that signed in, as after a password.
    assert browser.confirm_link(link).status_code == 303
    assert browser.is_signed_in()
    # The link proved the address; Acme never did, so its identity went with the proof.
    assert accounts_of(app, "bob@example.com") == []
    assert sign_in_with(new_browser(), oidc_provider, login="bob").status_code == 403


@pytest.mark.parametrize("extra_config", [{"AUTH_REQUIRE_EMAIL_VERIFICATION": False}])
def test_with_verification_off_an_unvouched_email_is_still_never_stored(
    app, browser, oidc_provider
):
    response = sign_in_with(browser, oidc_provider, login="bob")
    assert response.status_code == 403
    assert counts(app) == (0, 0, 0)


def test_an_existing_verified_account_is_linked_when_the_provider_vouches(
    app, browser, new_browser, oidc_provider, make_user, mailbox
):
    make_user("ada@example.com")
    response = sign_in_with(browser, oidc_provider, login="ada")
    assert response.status_code == 303 and browser.is_signed_in()
    assert accounts_of(app, "ada@example.com") == ["acme", CREDENTIAL_PROVIDER]
    # The password still works, and the owner is told a way in was added.
    assert new_browser().sign_in("ada@example.com").status_code == 303
    notice = mailbox.last_to("ada@example.com")
    assert notice["Subject"] == "A sign-in method was connected to your account"
    assert "Acme ID" in mailbox.text(notice)


def test_linking_a_never_verified_account_removes_every_way_in_its_creator_chose(
    app, browser, new_browser, oidc_provider, make_user, mailbox
):
    # An attacker pre-registers the victim's address with a password of their
    # own and keeps a session (made here directly), hoping she links Acme to it.
    squatter = make_user("ada@example.com", name="Mallory", verified=False)
    with app.app_context():
        Account.create(user=squatter.id, provider_id="github", account_id="666")
        from flowpulse.services import verification_tokens as tokens
        from flowpulse.services.sessions import start_session

        start_session(squatter, remember=True, ip_address=None, user_agent="squatter")
        tokens.issue_token(tokens.RESET_PASSWORD, squatter, 3600)
    response = sign_in_with(browser, oidc_provider, login="ada")
    assert response.status_code == 303 and browser.is_signed_in()
    with app.app_context():
        user = User.by_email("ada@example.com")
        assert user.id == squatter.id and user.email_verified is True
        assert [s.user_agent for s in Session.select()] != ["squatter"]
        assert Session.select().where(Session.user_agent == "squatter").count() == 0
        from flowpulse.core.models import Verification

        assert Verification.select().count() == 0
    assert accounts_of(app, "ada@example.com") == ["acme"]  # no password, no github
    assert new_browser().sign_in("ada@example.com").status_code == 422


def test_an_existing_account_is_not_linked_when_the_provider_does_not_vouch(
    app, browser, oidc_provider, make_user
):
    make_user("bob@example.com", name="Bob")  # verified, with a password
    response = sign_in_with(browser, oidc_provider, login="bob")  # Acme: not verified
    assert response.status_code == 403
    text = main_text(response)
    assert "Sign in (or sign up) the usual way" in text and "from your profile" in text
    assert accounts_of(app, "bob@example.com") == [CREDENTIAL_PROVIDER]
    assert not browser.is_signed_in()


def test_email_claims_only_in_userinfo_are_read_from_there(app, browser, oidc_provider):
    oidc_provider.configure(claims_in_id_token=False)
    assert sign_in_with(browser, oidc_provider, login="alice").status_code == 303
    with app.app_context():
        assert User.by_email("alice@example.com").email_verified is True


@pytest.mark.parametrize("acme_settings", [{"trust_email": True}])
def test_trust_email_treats_a_company_idps_address_as_verified(app, browser, oidc_provider):
    assert sign_in_with(browser, oidc_provider, login="bob").status_code == 303
    with app.app_context():
        assert User.by_email("bob@example.com").email_verified is True


def test_github_signs_up_with_the_primary_verified_address_and_numeric_id(
    app, browser, github_server
):
    github_server.add_user(
        GitHubUser(
            id=4242,
            login="hubber",
            name=None,
            email="public@example.com",  # the public profile address is never used
            emails=[
                {"email": "other@example.com", "primary": False, "verified": True},
                {"email": "Hub@Example.com", "primary": True, "verified": True},
            ],
        )
    )
    assert sign_in_with(browser, github_server).status_code == 303
    with app.app_context():
        user = User.by_email("hub@example.com")
        assert (user.name, user.email_verified) == ("hubber", True)
        [account] = Account.select().where(Account.user == user.id)
        assert (account.provider_id, account.account_id) == ("github", "4242")
    [authorize] = [r for r in github_server.requests if r["path"] == "/login/oauth/authorize"]
    assert authorize["query"]["code_challenge_method"] == "S256"  # PKCE on GitHub too


def test_github_unverified_primary_address_is_refused_and_not_stored(app, browser, github_server):
    github_server.user.emails[0]["verified"] = False
    response = sign_in_with(browser, github_server)
    assert response.status_code == 403
    assert "GitHub hasn't confirmed that this address is yours" in main_text(response)
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize("acme_settings", [{"response_mode": "form_post"}])
def test_form_post_answers_are_relayed_to_a_same_site_get_and_sign_in(browser, oidc_provider):
    answer = authorize(oidc_provider, start(browser).headers["Location"])
    assert answer[0] == "POST"
    # The provider's page posts cross-site: the POST only relays to a GET,
    # which (a same-site navigation) carries the cookies and the flow.
    relay = browser.client.post("/auth/oauth/acme/callback", data=answer[2])
    assert relay.status_code == 303
    assert relay.headers["Location"].startswith("/auth/oauth/acme/callback?")
    assert relay.headers["Referrer-Policy"] == "no-referrer"
    assert browser.client.get(relay.headers["Location"]).status_code == 303
    assert browser.is_signed_in()


def test_a_post_to_the_callback_that_is_no_provider_answer_is_refused(browser, app):
    response = browser.client.post("/auth/oauth/acme/callback", data={"code": "x"})
    assert response.status_code == 400
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [
        ("/profile/sessions", "/profile/sessions"),
        ("https://evil.example/", "/profile"),
        ("//evil.example/", "/profile"),
        ("/\\evil.example", "/profile"),
    ],
)
def test_next_is_kept_only_when_it_is_a_page_of_this_site(browser, oidc_provider, next_url, lands):
    response = sign_in_with(browser, oidc_provider, next=next_url)
    assert response.status_code == 303
    assert response.headers["Location"] == lands


def test_the_button_carries_the_sign_in_pages_next(client):
    html = client.get("/auth/login?next=/profile/sessions").get_data(as_text=True)
    assert '<input name="next" type="hidden" value="/profile/sessions">' in html


def test_a_signed_in_person_is_greeted(browser, oidc_provider):
    response = sign_in_with(browser, oidc_provider)
    page = browser.get(response.headers["Location"])
    assert "Signed in as alice@example.com." in flashed_messages(page)


def test_an_unknown_provider_is_404(browser):
    assert browser.submit("/auth/login", {}, action="/auth/oauth/nope").status_code == 404
    assert browser.get("/auth/oauth/nope/callback?code=x&state=y").status_code == 404


def test_a_provider_signed_in_page_costs_the_one_query_of_any_signed_in_page(
    browser, oidc_provider
):
    from tests.helpers import count_queries

    sign_in_with(browser, oidc_provider)
    with count_queries() as statements:
        assert browser.get("/profile").status_code == 200
    assert len(statements) == 1, statements  # providers are read at start-up, not per request


def test_linking_and_creating_are_audited_and_signalled_after_the_commit(
    app, browser, oidc_provider, caplog
):
    import logging

    from flowpulse import signals

    caplog.set_level(logging.INFO, logger="flowpulse.audit")
    seen = []

    def record(sender, user, account, **extra):
        with app.app_context():
            seen.append(Account.get_or_none(Account.id == account.id) is not None)

    signals.account_connected.connect(record, sender=app)
    try:
        sign_in_with(browser, oidc_provider)
    finally:
        signals.account_connected.disconnect(record, sender=app)
    assert seen == [True]
    events = [r.getMessage().split()[0] for r in caplog.records if r.name == "flowpulse.audit"]
    assert events[:3] == ["account.created", "account.connected", "sign-in.succeeded"]


def test_a_provider_sign_in_of_an_account_with_a_second_factor_asks_for_its_code(
    app, browser, oidc_provider, monkeypatch
):
    from flowpulse.core import totp
    from tests.two_factor_helpers import TotpClock, app_code, second_step, turn_on

    clock = TotpClock()
    monkeypatch.setattr(totp, "now", clock)
    assert sign_in_with(browser, oidc_provider).status_code == 303
    # Just signed in with the provider: that is the re-authentication the
    # page asks a person without a password for.
    secret, _ = turn_on(browser)
    browser.sign_out()
    clock.next_step()
    clock.next_step()
    answer = sign_in_with(browser, oidc_provider)
    assert answer.headers["Location"] == "/auth/two-factor"
    assert not browser.is_signed_in()
    assert second_step(browser, app_code(secret)).status_code == 303
    assert browser.is_signed_in()
