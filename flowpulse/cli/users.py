"""``flask users``: create, list, show, verify, set the password of and delete users."""

import click

from flowpulse.cli.arguments import (
    checked_email,
    checked_name,
    checked_search,
    existing_user,
    new_password,
    weak_password,
)
from flowpulse.cli.errors import DatabaseGroup, fail, one_line
from flowpulse.cli.output import echo_json, echo_table, plural, short_time, shorten, yes_no
from flowpulse.cli.present import account_summary, session_summary, user_summary
from flowpulse.cli.second_factors import echo_second_factors, second_factors_summary
from flowpulse.core.clock import utcnow
from flowpulse.core.models import User
from flowpulse.services import browse
from flowpulse.services.account_deletion import delete_account
from flowpulse.services.credentials import AccountGone, WeakPassword, set_password
from flowpulse.services.email_verification import mark_verified
from flowpulse.services.exceptions import EmailTaken
from flowpulse.services.signup import register_user
from flowpulse.services.signup_policy import SignUpRefused

#: How an operator's changes are told apart from the person's own in the audit log.
OPERATOR = "cli"

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
    password = new_password(password)
    try:
        user = register_user(name, email, password, verified=verified, by=OPERATOR)
    except WeakPassword as exc:
        weak_password(exc)
    except EmailTaken:
        fail(f"a user with email {email} already exists")
    except SignUpRefused as refusal:
        fail(f"the sign-up policy refused {email}: {one_line(refusal)}")
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
        summary["second_factors"] = second_factors_summary(user)
        summary["sessions"] = [session_summary(session) for session in sessions]
        echo_json(summary)
        return
    _echo_user(user, accounts, sessions)
    echo_second_factors(user)


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
    _echo_accounts(accounts)
    _echo_sessions(sessions)


def _echo_accounts(accounts: list) -> None:
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


def _echo_sessions(sessions: list) -> None:
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
    """Mark a user's email address as verified, removing every way in but the password."""
    user = existing_user(email)
    removed = mark_verified(user, by=OPERATOR)
    if removed is None:
        click.echo(f"{user.email} is already verified.")
        return
    click.echo(f"Marked {user.email} as verified.")
    # Whoever set the account up never proved the address: what they added is gone.
    if removed:
        click.echo(f"Removed: {', '.join(removed.lines())}; the owner was emailed the list.")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password", help=SHELL_HISTORY_WARNING)
def set_password_command(email: str, password: str | None) -> None:
    """Set a user's password, sign them out everywhere and void their emailed links."""
    user = existing_user(email)
    password = new_password(password)
    # The web's own rule: the new hash, the end of every session and of every
    # outstanding link, in one transaction.
    try:
        ended = set_password(user, password, by=OPERATOR)
    except WeakPassword as exc:
        weak_password(exc)
    except AccountGone:
        fail(f"no user with email {user.email} (deleted meanwhile)")
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
    # The web's own path: pending links go too, and the deletion is audited.
    if not delete_account(user, by=OPERATOR):
        fail(f"no user with email {user.email} (deleted meanwhile)")
    click.echo(f"Deleted user {user.email}.")
