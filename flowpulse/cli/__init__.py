"""The ``flask`` command groups FlowPulse adds."""

from flask import Flask

from flowpulse.cli.db import db_cli


def init_app(app: Flask) -> None:
    """Register every command group on the app's CLI."""
    app.cli.add_command(db_cli)
