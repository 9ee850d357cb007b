"""The ``flask`` command groups FlowPulse adds.

A command's output is what it prints; the log's INFO lines (audit events,
migration steps) go to stderr only with ``-v``/``--verbose``, so they never
mix with a command's answer or its prompts. Warnings and errors always show.
The long-running ``flask worker`` and ``flask db studio`` log as servers do.
"""

import logging

import click
from flask import Flask

from flowpulse.cli.db import db_cli
from flowpulse.cli.mail import mail_cli
from flowpulse.cli.oauth import oauth_cli
from flowpulse.cli.second_factors import reset_two_factor_command
from flowpulse.cli.sessions import sessions_cli
from flowpulse.cli.studio import studio_command
from flowpulse.cli.users import users_cli
from flowpulse.cli.worker import worker_command
from flowpulse.core.logs import set_console_level

# The studio belongs with the other database commands: ``flask db studio``.
db_cli.add_command(studio_command)
# Second factors are a user's: ``flask users reset-two-factor``.
users_cli.add_command(reset_two_factor_command)


#: Commands that run until stopped and log what they do, like a server.
_SERVING = {studio_command, worker_command}


def init_app(app: Flask) -> None:
    """Register every command group on the app's CLI."""
    for group in (db_cli, users_cli, sessions_cli, mail_cli, oauth_cli, worker_command):
        app.cli.add_command(group)


def _choose_log_level(ctx: click.Context, param: click.Parameter, verbose: bool) -> None:
    set_console_level(logging.INFO if verbose else logging.WARNING)


def _add_verbose_option(command: click.Command) -> None:
    """Give every one-shot command ``-v/--verbose``; without it, INFO lines stay quiet."""
    if isinstance(command, click.Group):
        for child in command.commands.values():
            _add_verbose_option(child)
        return
    if command in _SERVING or any(p.name == "verbose" for p in command.params):
        return
    command.params.append(
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_choose_log_level,
            help="Also print the log's INFO lines (audit events) on stderr.",
        )
    )


for _group in (db_cli, users_cli, sessions_cli, mail_cli):
    _add_verbose_option(_group)
