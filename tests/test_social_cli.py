"""``flask oauth`` and what ``flask users show`` tells of linked identities; configuration."""

import json

import pytest

from flowpulse import create_app
from flowpulse.social.providers import ProviderConfigError, load_providers
from tests.social import (  # noqa: F401 (fixtures)
    acme_settings,
    app_config,
    extra_config,
    sign_in_with,
)


def test_oauth_list_shows_providers_redirect_uris_and_whether_discovery_answers(
    app, runner, oidc_provider
):
    result = runner.invoke(args=["oauth", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    [acme] = [line for line in lines if line.startswith("acme")]
    assert "http://localhost/auth/oauth/acme/callback" in acme and acme.endswith("yes")
    [github] = [line for line in lines if line.startswith("github")]
    assert "http://localhost/auth/oauth/github/callback" in github
    assert "OAuth 2.0 (GitHub)" in github


@pytest.mark.parametrize("acme_settings", [{"issuer": "http://127.0.0.1:9"}])
def test_oauth_list_says_when_a_provider_does_not_answer(app, runner):
    result = runner.invoke(args=["oauth", "list"])
    assert result.exit_code == 0
    [acme] = [line for line in result.output.splitlines() if line.startswith("acme")]
    assert "no: discovery unreachable" in acme


def test_users_show_lists_linked_identities_and_never_a_token(app, runner, browser, oidc_provider):
    sign_in_with(browser, oidc_provider)
    table = runner.invoke(args=["users", "show", "alice@example.com"])
    as_json = runner.invoke(args=["users", "show", "alice@example.com", "--json"])
    assert table.exit_code == as_json.exit_code == 0
    assert "acme" in table.output and "alice" in table.output
    [account] = json.loads(as_json.output)["accounts"]
    assert (account["provider_id"], account["account_id"]) == ("acme", "alice")
    for token in oidc_provider.issued_tokens():
        assert token not in table.output and token not in as_json.output
    assert 'access_token"' not in as_json.output and "gAAAA" not in as_json.output


def test_oauth_new_key_prints_a_fernet_key(runner):
    from cryptography.fernet import Fernet

    result = runner.invoke(args=["oauth", "new-key"])
    Fernet(result.output.strip().encode())


def test_providers_nest_from_the_environment_with_flasks_double_underscores(
    monkeypatch, tmp_path, app
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOWPULSE_SECRET_KEY", "env-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("FLOWPULSE_OAUTH_PROVIDERS__google__client_id", "1234")
    monkeypatch.setenv("FLOWPULSE_OAUTH_PROVIDERS__google__client_secret", "s3cret")
    monkeypatch.setenv(
        "FLOWPULSE_OAUTH_PROVIDERS",
        '{"corp": {"client_id": "c", "client_secret": "s", '
        '"issuer": "https://sso.example.com", "trust_email": true}}',
    )
    providers = create_app().extensions["flowpulse.social.providers"]
    google, corp = providers["google"], providers["corp"]
    assert (google.client_id, google.issuer, google.name) == (
        "1234",  # JSON-parsed to a number, kept as text
        "https://accounts.google.com",
        "Google",
    )
    assert corp.trust_email is True and corp.discovery_url == (
        "https://sso.example.com/.well-known/openid-configuration"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"corp": {"client_id": "c", "client_secret": "s"}}, "issuer is required"),
        ({"google": {"client_id": "c"}}, "client_secret is required"),
        ({"google": {"client_id": "c", "client_secret": "s", "scopes": "x"}}, "unknown setting"),
        ({"microsoft": {"client_id": "c", "client_secret": "s"}}, "tenant"),
        ({"credential": {"client_id": "c", "client_secret": "s"}}, "provider id"),
        ({"Bad Id": {"client_id": "c", "client_secret": "s"}}, "provider id"),
        ("not an object", "JSON object"),
    ],
)
def test_a_wrong_provider_setting_is_one_clear_error(raw, message):
    with pytest.raises(ProviderConfigError, match=message):
        load_providers(raw)


def test_presets_and_overrides():
    providers = load_providers(
        {
            "github": {
                "client_id": "c",
                "client_secret": "s",
                "api_base_url": "https://ghe/api/v3/",
            },
            "microsoft": {"client_id": "c", "client_secret": "s", "tenant": "contoso"},
            "gitlab": {"client_id": "c", "client_secret": "s", "issuer": "https://git.corp"},
        }
    )
    assert providers["github"].api_base_url == "https://ghe/api/v3/"
    assert providers["github"].token_url == "https://github.com/login/oauth/access_token"
    assert providers["github"].scope == "read:user user:email"
    assert providers["microsoft"].issuer == "https://login.microsoftonline.com/contoso/v2.0"
    assert providers["gitlab"].issuer == "https://git.corp"
    assert providers["gitlab"].scope == "openid email profile"
