"""/profile/accounts, connecting and disconnecting providers, and people without a password."""

from flowpulse import signals
from flowpulse.core.models import Account, User
from flowpulse.core.models.seed import CREDENTIAL_PROVIDER
from tests.browser import OTHER_STRONG_PASSWORD, STRONG_PASSWORD
from tests.helpers import flashed_messages
from tests.social import (  # noqa: F401 (fixtures)
    accounts_of,
    acme_settings,
    app_config,
    authorize,
    deliver,
    extra_config,
    page_text,
    sign_in_with,
)


def connect(browser, server, provider_id="acme", *, password=STRONG_PASSWORD, login=None):
    """Press Connect on the sign-in methods page; finish at the provider if it lets us go."""
    data = {} if password is None else {"current_password": password}
    started = browser.submit(
        "/profile/accounts", data, action=f"/profile/accounts/{provider_id}/connect"
    )
    if started.status_code != 303:
        return started
    return deliver(browser, authorize(server, started.headers["Location"], login=login))


def account_id(app, provider_id: str, email: str) -> str:
    with app.app_context():
        user = User.by_email(email)
        return Account.get((Account.user == user.id) & (Account.provider_id == provider_id)).id


def expire_provider_sign_in(browser) -> None:
    """Make this browser's last provider sign-in older than the five minutes."""
    with browser.client.session_transaction() as session:
        if "recent_sign_in" in session:
            session["recent_sign_in"] = {**session["recent_sign_in"], "at": 0}


def disconnect(browser, target: str):
    return browser.submit("/profile/accounts", {}, action=f"/profile/accounts/{target}/disconnect")


def test_the_sign_in_methods_page_is_linked_and_lists_the_password_and_each_provider(browser, ada):
    assert 'href="/profile/accounts"' in browser.get("/profile").get_data(as_text=True)
    page = browser.get("/profile/accounts")
    text = page_text(page)
    assert page.status_code == 200
    assert "A password is set" in text
    assert "Acme ID : not connected" in text and "GitHub : not connected" in text
    assert page.get_data(as_text=True).count('action="/profile/accounts/acme/connect"') == 1


def test_a_wrong_password_is_shown_at_the_provider_it_was_typed_for(browser, ada, oidc_provider):
    wrong = connect(browser, oidc_provider, "github", password="not my password at all")
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    # Each provider's field has its own id; only GitHub's says what went wrong.
    assert 'id="password-acme"' in html and 'id="password-github"' in html
    assert 'id="password-github-error"' in html and 'id="password-acme-error"' not in html
    assert 'href="#password-github"' in html  # the error summary leads to that field


def test_connecting_needs_the_current_password_then_emails_the_owner(
    app, browser, ada, oidc_provider, mailbox
):
    wrong = connect(browser, oidc_provider, password="not my password at all", login="ada")
    assert wrong.status_code == 422 and "That password is not right" in page_text(wrong)
    assert accounts_of(app, "ada@example.com") == [CREDENTIAL_PROVIDER]

    done = connect(browser, oidc_provider, login="ada")
    assert done.status_code == 303 and done.headers["Location"] == "/profile/accounts"
    page = browser.get("/profile/accounts")
    assert "Acme ID is now connected: you can sign in with it." in flashed_messages(page)
    assert "connected as ada@example.com" in page_text(page)
    assert accounts_of(app, "ada@example.com") == ["acme", CREDENTIAL_PROVIDER]
    assert (
        mailbox.last_to("ada@example.com")["Subject"]
        == "A sign-in method was connected to your account"
    )


def test_an_identity_linked_to_someone_else_cannot_be_connected(
    app, browser, new_browser, ada, oidc_provider
):
    assert sign_in_with(new_browser(), oidc_provider, login="alice").status_code == 303
    taken = connect(browser, oidc_provider, login="alice")
    assert taken.status_code == 409
    assert "already connected to another FlowPulse account" in page_text(taken)
    assert accounts_of(app, "ada@example.com") == [CREDENTIAL_PROVIDER]
    assert accounts_of(app, "alice@example.com") == ["acme"]


def test_a_person_without_password_connects_after_a_fresh_provider_sign_in_only(
    app, browser, oidc_provider, github_server
):
    sign_in_with(browser, oidc_provider)  # alice: no password
    page = browser.get("/profile/accounts")
    assert "No password is set" in page_text(page)
    assert 'name="current_password"' not in page.get_data(as_text=True)
    expire_provider_sign_in(browser)
    stale = connect(browser, github_server, "github", password=None)
    assert stale.status_code == 422
    assert "continue with the provider you sign in with" in page_text(stale)

    # The page's "Continue with Acme ID" re-proves it is her, then connecting works.
    again = sign_in_with(browser, oidc_provider, page="/profile/accounts", next="/profile/accounts")
    assert again.headers["Location"] == "/profile/accounts"
    assert connect(browser, github_server, "github", password=None).status_code == 303
    assert accounts_of(app, "alice@example.com") == ["acme", "github"]


def test_re_authenticating_with_another_identity_of_the_provider_does_not_count(
    app, browser, oidc_provider
):
    sign_in_with(browser, oidc_provider, login="alice")
    expire_provider_sign_in(browser)
    other = sign_in_with(browser, oidc_provider, login="ada", page="/profile/accounts")
    assert other.status_code == 400
    assert "not the one connected to your account" in page_text(other)
    assert accounts_of(app, "ada@example.com") == []


def test_disconnecting_the_last_way_in_is_refused_with_a_message(app, browser, oidc_provider):
    sign_in_with(browser, oidc_provider)
    target = account_id(app, "acme", "alice@example.com")
    refused = browser.submit(
        "/profile/accounts", {}, action=f"/profile/accounts/{target}/disconnect"
    )
    assert refused.status_code == 409
    assert "This is the only way you can sign in" in page_text(refused)
    assert accounts_of(app, "alice@example.com") == ["acme"]


def test_disconnecting_removes_the_identity_emails_the_owner_and_tells_the_product(
    app, browser, ada, oidc_provider, mailbox
):
    connect(browser, oidc_provider, login="ada")
    fired = []

    def record(sender, user, account, **extra):
        with app.app_context():
            fired.append((user.id, Account.get_or_none(Account.id == account.id)))

    signals.account_disconnected.connect(record, sender=app)
    try:
        target = account_id(app, "acme", "ada@example.com")
        done = browser.submit(
            "/profile/accounts", {}, action=f"/profile/accounts/{target}/disconnect"
        )
    finally:
        signals.account_disconnected.disconnect(record, sender=app)
    assert done.status_code == 303
    assert fired == [(ada.id, None)]  # sent after the commit: the row is gone
    assert accounts_of(app, "ada@example.com") == [CREDENTIAL_PROVIDER]
    notice = mailbox.last_to("ada@example.com")
    assert notice["Subject"] == "A sign-in method was disconnected from your account"
    # Signing in with Acme as ada now links again (Acme vouches for the address).
    assert browser.get("/profile/accounts").status_code == 200


def test_another_persons_account_id_is_not_found(app, browser, new_browser, ada, oidc_provider):
    sign_in_with(new_browser(), oidc_provider, login="alice")
    target = account_id(app, "acme", "alice@example.com")
    response = browser.submit(
        "/profile/accounts", {}, action=f"/profile/accounts/{target}/disconnect"
    )
    assert response.status_code == 404
    assert accounts_of(app, "alice@example.com") == ["acme"]
    credential = account_id(app, CREDENTIAL_PROVIDER, "ada@example.com")
    own_password = browser.submit(
        "/profile/accounts", {}, action=f"/profile/accounts/{credential}/disconnect"
    )
    assert own_password.status_code == 404  # a password is not a provider identity


def test_without_a_password_the_email_page_asks_for_a_fresh_provider_sign_in(
    app, browser, oidc_provider, mailbox
):
    sign_in_with(browser, oidc_provider)
    page = browser.get("/profile/email")
    html = page.get_data(as_text=True)
    assert 'name="current_password"' not in html
    assert 'action="/auth/oauth/acme"' in html and "Continue with Acme ID" in html
    change = {"new_email": "alice.new@example.com"}
    assert browser.submit("/profile/email", change).status_code == 303  # just signed in
    expire_provider_sign_in(browser)
    stale = browser.submit("/profile/email", {"new_email": "alice.other@example.com"})
    assert stale.status_code == 422
    assert mailbox.to("alice.other@example.com") == []
    fresh = sign_in_with(browser, oidc_provider, page="/profile/email", next="/profile/email")
    assert fresh.headers["Location"] == "/profile/email"
    assert (
        browser.submit("/profile/email", {"new_email": "alice.other@example.com"}).status_code
        == 303
    )


def test_without_a_password_the_delete_page_takes_a_fresh_provider_sign_in(
    app, browser, oidc_provider
):
    sign_in_with(browser, oidc_provider)
    expire_provider_sign_in(browser)
    assert browser.submit("/profile/delete", {}).status_code == 422
    assert accounts_of(app, "alice@example.com") == ["acme"]
    sign_in_with(browser, oidc_provider, page="/profile/delete", next="/profile/delete")
    assert browser.submit("/profile/delete", {}).status_code == 303
    with app.app_context():
        assert User.by_email("alice@example.com") is None


def test_without_a_password_the_password_page_sets_a_first_one_after_a_provider_sign_in(
    app, browser, new_browser, oidc_provider
):
    sign_in_with(browser, oidc_provider)
    assert 'name="current_password"' not in browser.get("/profile/password").get_data(as_text=True)
    done = browser.submit("/profile/password", {"new_password": OTHER_STRONG_PASSWORD})
    assert done.status_code == 303
    assert accounts_of(app, "alice@example.com") == ["acme", CREDENTIAL_PROVIDER]
    assert new_browser().sign_in("alice@example.com", OTHER_STRONG_PASSWORD).status_code == 303


def test_a_first_password_can_be_set_through_forgot_password(
    app, browser, new_browser, oidc_provider, mailbox
):
    sign_in_with(browser, oidc_provider)
    other = new_browser()
    other.submit("/auth/forgot-password", {"email": "alice@example.com"})
    link = next(
        link for link in mailbox.links(mailbox.last_to("alice@example.com")) if "reset" in link
    )
    reset = other.submit(link.removeprefix("http://localhost"), {"password": OTHER_STRONG_PASSWORD})
    assert reset.status_code == 303
    assert accounts_of(app, "alice@example.com") == ["acme", CREDENTIAL_PROVIDER]
    assert other.sign_in("alice@example.com", OTHER_STRONG_PASSWORD).status_code == 303
