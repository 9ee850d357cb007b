"""The ``flask`` command groups FlowPulse adds."""

from flask import Flask

from flowpulse.cli.db import db_cli
from flowpulse.cli.mail import mail_cli
from flowpulse.cli.oauth import oauth_cli
from flowpulse.cli.second_factors import reset_two_factor_command
from flowpulse.cli.sessions import sessions_cli
from flowpulse.cli.studio import studio_command
from flowpulse.cli.users import users_cli
from flowpulse.cli.worker import worker_command

# The studio belongs with the other database commands: ``flask db studio``.
db_cli.add_command(studio_command)
# Second factors are a user's: ``flask users reset-two-factor``.
users_cli.add_command(reset_two_factor_command)


def init_app(app: Flask) -> None:
    """Register every command group on the app's CLI."""
    for group in (db_cli, users_cli, sessions_cli, mail_cli, oauth_cli, worker_command):
        app.cli.add_command(group)
