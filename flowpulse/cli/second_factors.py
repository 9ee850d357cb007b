"""Second factors on the command line: what ``flask users show`` lists, and resetting them.

Never a secret: whether an authenticator app is on, since when, how many
recovery codes are left, and each passkey's name and dates (never its key).
"""

from typing import Any

import click

from flowpulse.cli.arguments import existing_user
from flowpulse.cli.output import echo_table, iso_time, short_time
from flowpulse.core.models import User
from flowpulse.services import passkeys, two_factor


def second_factors_summary(user: User) -> dict[str, Any]:
    """Return a user's second factors and passkeys, as JSON-ready data."""
    status = two_factor.status_of(user)
    return {
        "authenticator_app": status.enabled,
        "authenticator_app_since": iso_time(status.since),
        "recovery_codes_left": status.codes_left,
        "passkeys": [
            {
                "id": row.id,
                "name": row.name,
                "synced": row.backed_up,
                "created_at": iso_time(row.created_at),
                "last_used_at": iso_time(row.last_used_at),
            }
            for row in passkeys.passkeys_of(user)
        ],
    }


def echo_second_factors(user: User) -> None:
    """Print a user's second factors and passkeys as tables."""
    status = two_factor.status_of(user)
    click.echo("\nSecond factors:")
    if not status.enabled:
        click.echo("(none: the password alone signs in)")
    else:
        echo_table(
            ["FACTOR", "SINCE (UTC)", "RECOVERY CODES LEFT"],
            [["authenticator app", short_time(status.since), status.codes_left]],
        )
    rows = passkeys.passkeys_of(user)
    click.echo("\nPasskeys:")
    if not rows:
        click.echo("(none)")
        return
    echo_table(
        ["ID", "NAME", "ADDED (UTC)", "LAST USED (UTC)"],
        [
            [row.id, row.name, short_time(row.created_at), short_time(row.last_used_at)]
            for row in rows
        ],
    )


@click.command("reset-two-factor")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset_two_factor_command(email: str, yes: bool) -> None:
    """Remove a user's second factors and passkeys (a lost phone or security key).

    Check who is asking first: this lets the password alone sign in again.
    The owner is emailed and the reset is audited.
    """
    user = existing_user(email)
    if not two_factor.is_required(user) and not passkeys.has_passkeys(user):
        click.echo(f"{user.email} has no second factor and no passkey.")
        return
    if not yes:
        click.confirm(
            f"Remove the second factors and passkeys of {user.email}? "
            "Their password alone will sign in",
            abort=True,
        )
    if two_factor.is_required(user):
        two_factor.reset(user, by="cli")
    removed = passkeys.remove_all(user, by="cli")
    also = f" (and {removed} passkey{'' if removed == 1 else 's'})" if removed else ""
    click.echo(f"Removed the second factors of {user.email}{also}; they were emailed.")
