"""``flask users``: create, list, show, verify, set the password of and delete users."""

import click

from flowpulse import browse
from flowpulse.cli.arguments import (
    checked_email,
    checked_name,
    checked_search,
    existing_user,
    new_password,
)
from flowpulse.cli.errors import DatabaseGroup, fail
from flowpulse.cli.output import echo_json, echo_table, plural, short_time, shorten, yes_no
from flowpulse.cli.present import account_summary, session_summary, user_summary
from flowpulse.clock import utcnow
from flowpulse.database import db
from flowpulse.models import User
from flowpulse.services.credentials import set_password
from flowpulse.services.registration import EmailTaken, register_user
from flowpulse.services.sessions import end_sessions_of

users_cli = DatabaseGroup("users", help="Create, inspect and manage user accounts.")

#: Rows ``users list`` prints unless told otherwise.
DEFAULT_LIST_LIMIT = 100

#: Help for --password: a password typed on the command line stays in the history.
SHELL_HISTORY_WARNING = "The new password (visible in shell history: omit it to be prompted)."


@users_cli.command("create")
@click.option("--email", required=True, help="The user's email address.")
@click.option("--name", required=True, help="The display name (1-100 characters).")
@click.option("--password", help=SHELL_HISTORY_WARNING)
@click.option("--verified", is_flag=True, help="Mark the address as already verified.")
def create_command(email: str, name: str, password: str | None, verified: bool) -> None:
    """Create a user with a password account."""
    email, name = checked_email(email), checked_name(name)
    # Checked before the prompt so nobody types a password for nothing; the
    # insert below stays the authority when two creations race.
    if User.by_email(email) is not None:
        fail(f"a user with email {email} already exists")
    password = new_password(password, name=name, email=email)
    try:
        user = register_user(name, email, password, verified=verified)
    except EmailTaken:
        fail(f"a user with email {email} already exists")
    state = "verified" if verified else "not verified"
    click.echo(f"Created user {user.email} ({state}), id {user.id}.")


@users_cli.command("list")
@click.option("--search", help="Only users whose email or name contains this text.")
@click.option(
    "--limit",
    default=DEFAULT_LIST_LIMIT,
    show_default=True,
    type=click.IntRange(min=1),
    help="Show at most this many users, newest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_command(search: str | None, limit: int, as_json: bool) -> None:
    """List users, newest first."""
    query = browse.users_matching(checked_search(search))
    users = list(query.limit(limit))
    total = len(users) if len(users) < limit else query.count()
    if as_json:
        echo_json([user_summary(user) for user in users])
        if total > len(users):
            click.echo(f"Showing {len(users)} of {total} users.", err=True)
        return
    echo_table(
        ["EMAIL", "NAME", "VERIFIED", "CREATED (UTC)"],
        [
            [u.email, shorten(u.name, 40), yes_no(u.email_verified), short_time(u.created_at)]
            for u in users
        ],
        empty="No users found.",
    )
    if total > len(users):
        click.echo(f"Showing {len(users):,} of {total:,} users; use --limit to see more.")
    elif total:
        click.echo(plural(total, "user") + ".")


@users_cli.command("show")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def show_command(email: str, as_json: bool) -> None:
    """Show a user with their accounts and live sessions."""
    address = checked_email(email)
    user = User.with_sessions_and_accounts(User.email == address)
    if user is None:
        fail(f"no user with email {address}")
    now = utcnow()
    sessions = sorted(
        (s for s in user.sessions if s.expires_at > now),
        key=lambda s: s.updated_at,
        reverse=True,
    )
    accounts = sorted(user.accounts, key=lambda a: a.provider_id)
    if as_json:
        summary = user_summary(user)
        summary["accounts"] = [account_summary(account) for account in accounts]
        summary["sessions"] = [session_summary(session) for session in sessions]
        echo_json(summary)
        return
    _echo_user(user, accounts, sessions)


def _echo_user(user: User, accounts: list, sessions: list) -> None:
    """Print one user, their accounts and their live sessions as tables."""
    echo_table(
        ["FIELD", "VALUE"],
        [
            ["Email", user.email],
            ["Name", user.name],
            ["ID", user.id],
            ["Verified", yes_no(user.email_verified)],
            ["Image", user.image],
            ["Created (UTC)", short_time(user.created_at)],
            ["Updated (UTC)", short_time(user.updated_at)],
        ],
    )
    click.echo(f"\nAccounts ({len(accounts)}):")
    echo_table(
        ["PROVIDER", "ACCOUNT ID", "PASSWORD SET", "SCOPE", "CREATED (UTC)"],
        [
            [
                a.provider_id,
                a.account_id,
                yes_no(bool(a.password)),
                a.scope,
                short_time(a.created_at),
            ]
            for a in accounts
        ],
        empty="(none)",
    )
    click.echo(f"\nLive sessions ({len(sessions)}):")
    echo_table(
        ["ID", "IP", "USER AGENT", "LAST ACTIVE (UTC)", "EXPIRES (UTC)"],
        [
            [
                s.id,
                s.ip_address,
                shorten(s.user_agent, 40),
                short_time(s.updated_at),
                short_time(s.expires_at),
            ]
            for s in sessions
        ],
        empty="(none)",
    )


@users_cli.command("verify")
@click.argument("email")
def verify_command(email: str) -> None:
    """Mark a user's email address as verified."""
    user = existing_user(email)
    if user.email_verified:
        click.echo(f"{user.email} is already verified.")
        return
    User.update(email_verified=True).where(User.id == user.id).execute()
    click.echo(f"Marked {user.email} as verified.")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password", help=SHELL_HISTORY_WARNING)
def set_password_command(email: str, password: str | None) -> None:
    """Set a user's password and sign them out everywhere."""
    user = existing_user(email)
    password = new_password(password, name=user.name, email=user.email)
    # Both or neither: a new password with the old sessions still alive would
    # leave a thief signed in after the owner was told the account is safe.
    with db.atomic():
        set_password(user, password)
        ended = end_sessions_of(user.id)
    click.echo(f"Password set for {user.email}; ended {plural(ended, 'session')}.")


@users_cli.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_command(email: str, yes: bool) -> None:
    """Delete a user with their sessions and accounts."""
    user = existing_user(email)
    if not yes:
        sessions, accounts = user.sessions.count(), user.accounts.count()
        click.confirm(
            f"Delete {user.email} with {plural(sessions, 'session')} and "
            f"{plural(accounts, 'account')}? This cannot be undone",
            abort=True,
        )
    # One DELETE: the database's ON DELETE CASCADE removes sessions and accounts.
    deleted = User.delete().where(User.id == user.id).execute()
    if not deleted:
        fail(f"no user with email {user.email} (deleted meanwhile)")
    click.echo(f"Deleted user {user.email}.")
