"""``flask mail queue`` and ``flask mail retry``: what waits in the outbox, and another try."""

import click

from flowpulse.cli.errors import fail
from flowpulse.cli.output import echo_json, echo_table, iso_time, plural, short_time, shorten
from flowpulse.core.models import MailMessage
from flowpulse.core.models.mail import PENDING
from flowpulse.services import mail_outbox


def state_of(message: MailMessage) -> str:
    """Spell a message's state as an operator thinks of it."""
    if message.status == PENDING:
        return "retrying" if message.last_error else "pending"
    return message.status


def summary(message: MailMessage) -> dict:
    """Return a message's row for scripts: never its text (a link is minted only when sent)."""
    return {
        "id": message.id,
        "kind": message.kind,
        "recipient": message.recipient,
        "state": state_of(message),
        "attempts": message.attempts,
        "last_error": message.last_error,
        "next_attempt_at": iso_time(message.next_attempt_at) if message.status == PENDING else None,
        "queued_at": iso_time(message.created_at),
        "sent_at": iso_time(message.sent_at),
    }


@click.command("queue")
@click.option("--all", "include_finished", is_flag=True, help="Include sent and dropped messages.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def queue_command(include_finished: bool, as_json: bool) -> None:
    """List pending, retrying and failed messages, oldest first."""
    messages = mail_outbox.waiting_and_failed(include_finished=include_finished)
    if as_json:
        echo_json([summary(message) for message in messages])
        return
    echo_table(
        ["ID", "KIND", "TO", "STATE", "ATTEMPTS", "NEXT TRY (UTC)", "LAST ERROR"],
        [
            [
                m.id,
                m.kind,
                m.recipient,
                state_of(m),
                m.attempts,
                short_time(m.next_attempt_at) if m.status == PENDING else "-",
                shorten(m.last_error, 48),
            ]
            for m in messages
        ],
        empty="The mail queue is empty.",
    )
    if messages:
        click.echo(plural(len(messages), "message") + ".")


@click.command("retry", context_settings={"ignore_unknown_options": True})
@click.argument("message_id", metavar="[ID]", required=False)
@click.option("--all-failed", is_flag=True, help="Retry every message that was given up.")
def retry_command(message_id: str | None, all_failed: bool) -> None:
    """Give a failed message (or every failed one) another round of attempts."""
    if (message_id is None) == (not all_failed):
        fail("give exactly one of a message ID or --all-failed")
    ids = mail_outbox.failed_ids() if all_failed else [message_id]
    retried = [each for each in ids if mail_outbox.retry(each)]
    if message_id is not None and not retried:
        fail(f"no failed message with id {message_id!r}")
    click.echo(f"Queued {plural(len(retried), 'message')} for another try.")
