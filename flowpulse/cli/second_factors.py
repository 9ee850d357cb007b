"""Second factors on the command line: what ``flask users show`` lists, and resetting them.

Never a secret: whether an authenticator app is on, since when, and how many
recovery codes are left.
"""

from typing import Any

import click

from flowpulse.cli.arguments import existing_user
from flowpulse.cli.output import echo_table, iso_time, short_time
from flowpulse.core.models import User
from flowpulse.services import two_factor


def second_factors_summary(user: User) -> dict[str, Any]:
    """Return a user's second factors, as JSON-ready data."""
    status = two_factor.status_of(user)
    return {
        "authenticator_app": status.enabled,
        "authenticator_app_since": iso_time(status.since),
        "recovery_codes_left": status.codes_left,
    }


def echo_second_factors(user: User) -> None:
    """Print a user's second factors as a table."""
    status = two_factor.status_of(user)
    click.echo("\nSecond factors:")
    if not status.enabled:
        click.echo("(none: the password alone signs in)")
        return
    echo_table(
        ["FACTOR", "SINCE (UTC)", "RECOVERY CODES LEFT"],
        [["authenticator app", short_time(status.since), status.codes_left]],
    )


@click.command("reset-two-factor")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset_two_factor_command(email: str, yes: bool) -> None:
    """Remove a user's second factors (they lost their phone and their recovery codes).

    Check who is asking first: this lets the password alone sign in again.
    The owner is emailed and the reset is audited.
    """
    user = existing_user(email)
    if not two_factor.is_required(user):
        click.echo(f"{user.email} has no second factor.")
        return
    if not yes:
        click.confirm(
            f"Remove the second factors of {user.email}? Their password alone will sign in",
            abort=True,
        )
    two_factor.reset(user, by="cli")
    click.echo(f"Removed the second factors of {user.email}; they were emailed.")
