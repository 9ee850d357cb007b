"""``flask sessions``: list and revoke signed-in devices, prune expired rows."""

import sys

import click

from flowpulse.cli.arguments import existing_user
from flowpulse.cli.errors import DatabaseGroup, fail
from flowpulse.cli.output import echo_json, echo_table, plural, short_time, shorten
from flowpulse.cli.present import session_summary
from flowpulse.core.clock import utcnow
from flowpulse.core.models import PendingSignIn, Session, User, Verification
from flowpulse.services import browse, pruning
from flowpulse.services.sessions import end_all_sessions, end_sessions_of, revoke_session

sessions_cli = DatabaseGroup("sessions", help="Inspect and end signed-in sessions.")

#: Rows ``sessions list`` prints unless told otherwise.
DEFAULT_LIST_LIMIT = 100


@sessions_cli.command("list")
@click.option("--user", "email", metavar="EMAIL", help="Only this user's sessions.")
@click.option("--all", "include_expired", is_flag=True, help="Include expired sessions.")
@click.option(
    "--limit",
    default=DEFAULT_LIST_LIMIT,
    show_default=True,
    type=click.IntRange(min=1),
    help="Show at most this many sessions, most recently active first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_command(email: str | None, include_expired: bool, limit: int, as_json: bool) -> None:
    """List live sessions, most recently active first."""
    user_id = existing_user(email).id if email else None
    query = browse.sessions_with_users(user_id=user_id, live_only=not include_expired)
    rows = list(query.limit(limit))
    total = len(rows) if len(rows) < limit else query.count()
    if as_json:
        echo_json([session_summary(row, email=row.user.email) for row in rows])
        if total > len(rows):
            click.echo(f"Showing {len(rows)} of {total} sessions.", err=True)
        return
    echo_table(
        ["ID", "USER", "IP", "USER AGENT", "CREATED (UTC)", "LAST ACTIVE (UTC)", "EXPIRES (UTC)"],
        [
            [
                row.id,
                row.user.email,
                row.ip_address,
                shorten(row.user_agent, 32),
                short_time(row.created_at),
                short_time(row.updated_at),
                short_time(row.expires_at),
            ]
            for row in rows
        ],
        empty="No sessions found.",
    )
    if total > len(rows):
        click.echo(f"Showing {len(rows):,} of {total:,} sessions; use --limit to see more.")
    elif total:
        click.echo(plural(total, "session") + ".")


# Ids are URL-safe base64, so one in 64 starts with "-": take it as the ID
# rather than as an unknown option.
@sessions_cli.command("revoke", context_settings={"ignore_unknown_options": True})
@click.argument("session_id", metavar="[ID]", required=False)
@click.option("--user", "email", metavar="EMAIL", help="End every session of this user.")
@click.option("--all", "everyone", is_flag=True, help="End every session of every user.")
@click.option("--yes", is_flag=True, help="Do not ask before ending everyone's sessions.")
def revoke_command(session_id: str | None, email: str | None, everyone: bool, yes: bool) -> None:
    """End one session by ID, all of a user's with --user, or everyone's with --all."""
    if sum((session_id is not None, email is not None, everyone)) != 1:
        fail("give exactly one of a session ID, --user EMAIL or --all")
    if everyone:
        # After a suspected breach: every device must sign in again.
        if not yes:
            click.confirm("Sign out every user on every device?", abort=True)
        click.echo(f"Revoked {plural(end_all_sessions(), 'session')}.")
        return
    if email is not None:
        user = existing_user(email)
        ended = end_sessions_of(user.id)
        click.echo(f"Revoked {plural(ended, 'session')} of {user.email}.")
        return
    owner_id = revoke_session(session_id)
    if owner_id is None:
        fail(f"no session with id {session_id!r}")
    owner = User.select(User.email).where(User.id == owner_id).scalar()
    click.echo(f"Revoked session {session_id}" + (f" of {owner}." if owner else "."))


@sessions_cli.command("prune")
def prune_command() -> None:
    """Delete expired sessions and expired verification rows."""
    now = utcnow()
    expired = {model: pruning.count_expired(model, now) for model in pruning.EXPIRING_MODELS}
    pruned = dict.fromkeys(pruning.EXPIRING_MODELS, 0)
    with click.progressbar(
        length=sum(expired.values()),
        label="Pruning expired rows",
        hidden=not _stdout_is_terminal(),
    ) as bar:
        for model in pruning.EXPIRING_MODELS:
            for deleted in pruning.delete_expired(model, now):
                pruned[model] += deleted
                bar.update(deleted)
    click.echo(
        f"Pruned {plural(pruned[Session], 'expired session')} and "
        f"{plural(pruned[Verification], 'expired verification row')}."
    )
    if pruned[PendingSignIn]:
        click.echo(f"Removed {plural(pruned[PendingSignIn], 'expired pending sign-in')}.")
    finished = pruning.delete_finished_mail(now)
    if finished:
        click.echo(f"Removed {plural(finished, 'finished message')} from the mail queue.")


def _stdout_is_terminal() -> bool:
    """Tell whether a person is watching: logs and pipes get only the summary."""
    return sys.stdout.isatty()
