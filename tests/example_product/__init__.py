"""A small product built on FlowPulse, as the README's "Building your product" shows.

A team's own blueprint with a signed-in page, a receiver that gives every new
account a workspace, a link in FlowPulse's account menu, the team's own
table, migrated by the team's own migrations next to FlowPulse's, its own
sign-in page and password-reset email (``templates/``), and a sign-up policy.
"""

from pathlib import Path

from flask import Blueprint, Flask, render_template_string
from flask_login import current_user, login_required
from peewee_migrate import Router

from flowpulse.core.database import db
from flowpulse.services.signup_policy import SignUpRefused
from flowpulse.signals import user_signed_up
from flowpulse.web.menu import add_account_link
from flowpulse.web.templating import add_templates
from tests.example_product.models import Workspace

bp = Blueprint("workspaces", __name__, url_prefix="/workspaces")

#: The team's migrations: their own folder and their own history table.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: The team's templates: same-named ones replace FlowPulse's.
TEMPLATES = Path(__file__).resolve().parent / "templates"

#: The one email domain the team's sign-up policy lets in.
TEAM_DOMAIN = "example.com"


@bp.get("/")
@login_required
def index():
    """Show the signed-in person's workspace."""
    workspace = Workspace.get(Workspace.owner == current_user.id)
    return render_template_string("<h1>{{ name }}</h1>", name=workspace.name)


def create_workspace(app: Flask, user, **extra) -> None:
    """Give every new account a workspace of its own."""
    Workspace.create(owner=user.id, name=f"{user.name}'s workspace")


def team_only(*, email: str, name: str, how: str) -> None:
    """Refuse new accounts outside the team's domain (the team sets it as SIGNUP_POLICY)."""
    if email.rpartition("@")[2] != TEAM_DOMAIN:
        raise SignUpRefused(f"Only {TEAM_DOMAIN} addresses can join this workspace.")


def init_app(app: Flask) -> None:
    """Add the product to a FlowPulse app."""
    app.register_blueprint(bp)
    add_templates(app, TEMPLATES)
    add_account_link(app, "workspaces.index", "Workspace")
    user_signed_up.connect(create_workspace, sender=app, weak=False)


def migrate() -> list[str]:
    """Apply the team's migrations (inside the app's context, after FlowPulse's)."""
    router = Router(db.obj, migrate_dir=MIGRATIONS, migrate_table="workspaces_migratehistory")
    return router.run()
