"""``flask db studio``: serve the read-only table browser on this machine only."""

import socket

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from flowpulse.cli.errors import database_errors_reported, fail, one_line
from flowpulse.core.database import db
from flowpulse.studio import create_studio_app, tables
from flowpulse.studio.loopback import is_loopback_host

#: Where the studio listens unless told otherwise.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5555


@click.command("studio")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="A loopback address.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535))
@with_appcontext
def studio_command(host: str, port: int) -> None:
    """Browse the four tables in a local, read-only web page (secrets masked)."""
    if not is_loopback_host(host):
        # The studio shows every user's email and sessions: never on a network.
        fail(
            f"refusing to serve on {host!r}: the studio listens on loopback only "
            "(127.0.0.1, ::1 or localhost)"
        )
    # Fail here in one line rather than on the first page view.
    with database_errors_reported():
        tables.row_counts()
    db.close()  # each server thread opens its own connection
    bind = DEFAULT_HOST if host.lower() == "localhost" else host.strip("[]")
    shown = f"[{bind}]" if ":" in bind else bind
    _check_port_is_free(bind, port)
    click.echo(f"FlowPulse Studio (read-only): http://{shown}:{port}/  (Ctrl-C to stop)")
    # No reloader and never the debugger: its console would run any code.
    run_simple(bind, port, create_studio_app(current_app), threaded=True)


def _check_port_is_free(host: str, port: int) -> None:
    """Stop in one line if the address cannot be listened on (Werkzeug says it in three)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        fail(f"cannot listen on {host} port {port}: {one_line(exc)}")
