"""Provider tokens at rest: encrypted, refreshed when used, re-encrypted by rotate-keys."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet

from flowpulse import create_app
from flowpulse.core import crypto
from flowpulse.core.clock import utcnow
from flowpulse.core.database import db
from flowpulse.core.models import Account, MailMessage, Session, User, Verification
from flowpulse.services.provider_tokens import (
    NotConnected,
    TokenExpired,
    access_token_for,
)
from tests.social import (  # noqa: F401 (fixtures)
    acme_settings,
    app_config,
    extra_config,
    sign_in_with,
)

KEY_1, KEY_2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def everything_stored(app) -> str:
    """Every value of every row of every table, as one text (what a stolen copy holds)."""
    with app.app_context():
        rows = [
            str(value)
            for model in (User, Session, Account, Verification, MailMessage)
            for row in model.select().dicts()
            for value in row.values()
        ]
        db.close()
    return "\n".join(rows)


def alice_account(app) -> Account:
    with app.app_context():
        account = Account.get(Account.provider_id == "acme")
        db.close()
    return account


def expire_access_token(app) -> None:
    with app.app_context():
        Account.update(access_token_expires_at=utcnow() - timedelta(minutes=1)).where(
            Account.provider_id == "acme"
        ).execute()
        db.close()


def token_for(app, email: str, provider_id: str = "acme") -> str:
    with app.app_context():
        try:
            return access_token_for(User.by_email(email), provider_id)
        finally:
            db.close()


def test_no_token_any_provider_issued_is_stored_in_clear(
    app, browser, new_browser, oidc_provider, github_server
):
    github_server.issue_refresh_tokens = True
    assert sign_in_with(browser, oidc_provider).status_code == 303
    assert sign_in_with(new_browser(), github_server).status_code == 303
    expire_access_token(app)
    token_for(app, "alice@example.com")  # a refresh: more tokens issued and stored
    issued = oidc_provider.issued_tokens() + github_server.issued_tokens()
    assert len(oidc_provider.issued_tokens("access_token")) == 2
    assert len(issued) >= 7
    stored = everything_stored(app)
    leaked = [token[:12] for token in issued if token in stored]
    assert leaked == []
    # Not even a token's distinctive middle part (an ID token's payload, say).
    assert not any(token[10:40] in stored for token in issued)
    with app.app_context():
        account = Account.get(Account.provider_id == "acme")
        assert (
            crypto.decrypt(account.access_token) == oidc_provider.issued_tokens("access_token")[-1]
        )
        assert crypto.decrypt(account.id_token) in oidc_provider.issued_tokens("id_token")


def test_a_valid_access_token_is_handed_out_as_stored(app, browser, oidc_provider):
    sign_in_with(browser, oidc_provider)
    [issued] = oidc_provider.issued_tokens("access_token")
    assert token_for(app, "alice@example.com") == issued
    assert len(oidc_provider.issued_tokens("access_token")) == 1  # no refresh needed


def test_an_expired_access_token_is_refreshed_and_stored(app, browser, oidc_provider):
    sign_in_with(browser, oidc_provider)
    expire_access_token(app)
    fresh = token_for(app, "alice@example.com")
    assert fresh == oidc_provider.issued_tokens("access_token")[-1]
    assert len(oidc_provider.issued_tokens("access_token")) == 2
    account = alice_account(app)
    assert account.access_token_expires_at > utcnow()
    assert token_for(app, "alice@example.com") == fresh  # now valid: no third token


def test_a_refresh_without_a_new_refresh_token_keeps_the_old_one(
    app, browser, new_browser, github_server
):
    # GitHub's expiring tokens: the stand-in rotates refresh tokens; an
    # answer without one must not erase the stored one (Better Auth #7999).
    github_server.issue_refresh_tokens = True
    sign_in_with(browser, github_server)
    [first_refresh] = github_server.issued_tokens("refresh_token")
    with app.app_context():
        Account.update(access_token_expires_at=utcnow() - timedelta(minutes=1)).where(
            Account.provider_id == "github"
        ).execute()
        db.close()
    original = github_server._issue

    def without_refresh(login, scope):
        answer = original(login, scope)
        answer.pop("refresh_token", None)
        return answer

    github_server._issue = without_refresh
    fresh = token_for(app, "octocat@example.com", "github")
    assert fresh == github_server.issued_tokens("access_token")[-1]
    with app.app_context():
        account = Account.get(Account.provider_id == "github")
        assert crypto.decrypt(account.refresh_token) == first_refresh
        db.close()


def test_an_expired_token_without_refresh_token_asks_for_a_new_sign_in(app, browser, github_server):
    sign_in_with(browser, github_server)  # GitHub's classic tokens: no refresh token
    with app.app_context():
        Account.update(access_token_expires_at=utcnow() - timedelta(minutes=1)).execute()
        with pytest.raises(TokenExpired):
            access_token_for(User.by_email("octocat@example.com"), "github")
        with pytest.raises(NotConnected):
            access_token_for(User.by_email("octocat@example.com"), "acme")
        db.close()


def test_rotate_keys_re_encrypts_every_token_with_the_first_key(app, browser, oidc_provider):
    sign_in_with(browser, oidc_provider)
    before = alice_account(app)
    # Configured next: the new key first, the old one (derived from SECRET_KEY) after it.
    old_key = crypto.derive_key(app.config["SECRET_KEY"]).decode()
    rotated_app = create_app({**app.config, "AUTH_TOKEN_ENCRYPTION_KEYS": [KEY_2, old_key]})
    result = rotated_app.test_cli_runner().invoke(args=["oauth", "rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted the tokens of 1 account" in result.output
    after = alice_account(app)
    assert after.access_token != before.access_token
    # Only the new key is needed now.
    only_new = crypto.build_cipher([KEY_2.encode()])
    for column in ("access_token", "refresh_token", "id_token"):
        assert only_new.decrypt(getattr(after, column).encode()) == (
            crypto.build_cipher([old_key.encode()]).decrypt(getattr(before, column).encode())
        )


def test_rotate_keys_refuses_to_pretend_when_a_key_is_missing(app, browser, oidc_provider):
    sign_in_with(browser, oidc_provider)
    stranger_app = create_app({**app.config, "AUTH_TOKEN_ENCRYPTION_KEYS": [KEY_1]})
    result = stranger_app.test_cli_runner().invoke(args=["oauth", "rotate-keys"])
    assert result.exit_code != 0
    assert "1 account hold tokens no configured key opens" in result.output
    assert "Traceback" not in result.output


def test_the_key_is_derived_from_the_secret_key_when_none_is_configured(app):
    with app.app_context():
        stored = crypto.encrypt("a token")
        derived = crypto.build_cipher([crypto.derive_key(app.config["SECRET_KEY"])])
        assert derived.decrypt(stored.encode()) == b"a token"
        assert "a token" not in stored


@pytest.mark.parametrize("keys", [["not a fernet key"], "[1, 2]"])
def test_a_bad_encryption_key_stops_start_up_with_one_line(app, keys):
    with pytest.raises(crypto.CipherError, match="AUTH_TOKEN_ENCRYPTION_KEYS"):
        create_app({**app.config, "AUTH_TOKEN_ENCRYPTION_KEYS": keys})


def test_keys_may_be_given_as_a_comma_separated_list(app):
    config = {"AUTH_TOKEN_ENCRYPTION_KEYS": f"{KEY_1},{KEY_2}", "SECRET_KEY": "x"}
    assert crypto.configured_keys(config) == [KEY_1.encode(), KEY_2.encode()]
