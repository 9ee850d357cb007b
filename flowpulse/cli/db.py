"""``flask db``: apply, roll back, inspect and generate schema migrations."""

import click
from flask.cli import AppGroup
from peewee import DatabaseError

from flowpulse.core import migrations

db_cli = AppGroup("db", help="Manage the database schema.")


def _fail(message: str) -> None:
    """Print one clear line on stderr and exit non-zero."""
    raise click.ClickException(message)


@db_cli.command("migrate")
def migrate_command() -> None:
    """Apply pending migrations (safe to run again)."""
    try:
        applied = migrations.apply_pending()
    except DatabaseError as exc:
        _fail(f"migration failed: {exc}")
    if applied:
        click.echo("Applied: " + ", ".join(applied))
    else:
        click.echo("Nothing to migrate: the schema is up to date.")


@db_cli.command("rollback")
@click.option("--count", default=1, show_default=True, type=click.IntRange(min=1))
def rollback_command(count: int) -> None:
    """Undo the last COUNT applied migrations."""
    try:
        undone = migrations.roll_back(count)
    except (migrations.NothingToRollBack, DatabaseError) as exc:
        _fail(str(exc))
    click.echo("Rolled back: " + ", ".join(undone))


@db_cli.command("status")
def status_command() -> None:
    """List applied and pending migrations."""
    try:
        done, pending = migrations.status()
    except DatabaseError as exc:
        _fail(f"cannot read migration history: {exc}")
    for name in done:
        click.echo(f"[applied] {name}")
    for name in pending:
        click.echo(f"[pending] {name}")
    click.echo(f"{len(done)} applied, {len(pending)} pending.")


@db_cli.command("generate")
@click.argument("name", default="auto")
def generate_command(name: str) -> None:
    """Write a new migration from changes to the models."""
    created = migrations.generate(name)
    if created:
        click.echo(f"Created migrations/{created}.py")
    else:
        click.echo("No changes found: the models match the migrations.")


@db_cli.command("push")
def push_command() -> None:
    """Create missing tables straight from the models (development only)."""
    try:
        created = migrations.push()
    except DatabaseError as exc:
        _fail(f"push failed: {exc}")
    click.echo("Created: " + ", ".join(created) if created else "All tables exist.")
