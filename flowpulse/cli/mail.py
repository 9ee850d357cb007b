"""``flask mail``: send a real test message; see and retry what waits in the queue."""

import click
from flask import current_app

from flowpulse.cli.arguments import checked_email
from flowpulse.cli.errors import DatabaseGroup, fail
from flowpulse.cli.mail_queue import queue_command, retry_command
from flowpulse.cli.output import safe_text
from flowpulse.core.clock import utcnow
from flowpulse.core.mail import MailNotSent, send_email

mail_cli = DatabaseGroup("mail", help="Check outgoing email and the mail queue.")
mail_cli.add_command(queue_command)
mail_cli.add_command(retry_command)


@mail_cli.command("test")
@click.argument("address")
def test_command(address: str) -> None:
    """Send a test message to ADDRESS now, with the current mail settings.

    It skips the queue: what matters is the server's own answer, shown here.
    """
    to = checked_email(address)
    server = describe_server(current_app.config)
    sent_at = utcnow().strftime("%Y-%m-%d %H:%M:%S")
    try:
        answer = send_email(
            to,
            f"{current_app.config['SITE_NAME']} test message",
            "test_message",
            server=server,
            sent_at=sent_at,
        )
    except MailNotSent as exc:
        fail(f"could not send: {safe_text(exc)} ({server})")
    if not current_app.config.get("MAIL_SERVER"):
        click.echo(f"No MAIL_SERVER configured: the message to {to} was printed to the log.")
        return
    # The server's own words: what it accepted is what an operator must see.
    click.echo(f"Sent to {to}: {safe_text(answer)}")


def describe_server(config) -> str:
    """Name the SMTP server and how it is reached, without the password."""
    if not config.get("MAIL_SERVER"):
        return "the log, no MAIL_SERVER configured"
    if config["MAIL_USE_SSL"]:
        security = "TLS"
    elif config["MAIL_USE_TLS"]:
        security = "STARTTLS"
    else:
        security = "unencrypted"
    login = f", as {config['MAIL_USERNAME']}" if config.get("MAIL_USERNAME") else ""
    return f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}, {security}{login}"
