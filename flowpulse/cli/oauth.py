"""``flask oauth``: the configured identity providers, and the keys of their tokens."""

import click
from flask import current_app

from flowpulse.cli.errors import DatabaseGroup
from flowpulse.cli.output import echo_table, plural
from flowpulse.core import crypto
from flowpulse.services.provider_tokens import rotate_keys
from flowpulse.social.clients import discovery_answers
from flowpulse.social.flow import redirect_uri

oauth_cli = DatabaseGroup("oauth", help="Social sign-in: providers and token encryption keys.")


@oauth_cli.command("list")
@click.option("--no-check", is_flag=True, help="Do not ask each provider's discovery.")
def list_command(no_check: bool) -> None:
    """List the providers, their redirect URIs, and whether discovery answers."""
    providers = current_app.extensions["flowpulse.social.providers"]
    rows = [
        [
            provider.id,
            provider.name,
            "OpenID Connect" if provider.is_oidc else "OAuth 2.0 (GitHub)",
            redirect_uri(provider),
            "-" if no_check else discovery_answers(provider),
        ]
        for provider in providers.values()
    ]
    echo_table(
        ["ID", "NAME", "PROTOCOL", "REDIRECT URI", "DISCOVERY"],
        rows,
        empty="No providers configured (set OAUTH_PROVIDERS).",
    )


@oauth_cli.command("rotate-keys")
def rotate_keys_command() -> None:
    """Re-encrypt every stored provider token with the first AUTH_TOKEN_ENCRYPTION_KEYS key."""
    rotated, unreadable = rotate_keys()
    click.echo(f"Re-encrypted the tokens of {plural(rotated, 'account')} with the first key.")
    if unreadable:
        raise click.ClickException(
            f"{plural(unreadable, 'account')} hold tokens no configured key opens "
            "(left as they are: put the old key back in AUTH_TOKEN_ENCRYPTION_KEYS)"
        )


@oauth_cli.command("new-key")
def new_key_command() -> None:
    """Print a new random key for AUTH_TOKEN_ENCRYPTION_KEYS."""
    click.echo(crypto.new_key())
