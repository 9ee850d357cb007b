"""Mail transport: building a message and handing it to SMTP, or to the log without a server.

Messages are built with the standard library's ``EmailMessage``, whose
default policy refuses CR/LF in headers, so header injection is impossible.
Every message is a plain-text part and an HTML part rendered from
``templates/email/<name>.txt`` and ``.html``. Pages never call this: they
queue messages (``flowpulse.services.messages``) and a worker transmits them.
"""

import logging
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit

import idna
from flask import current_app, render_template

log = logging.getLogger(__name__)


class MailNotSent(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


def send_email(to: str, subject: str, template: str, **context) -> str:
    """Render and send one message at once; return the SMTP server's answer.

    For ``flask mail test``, which reports the server's own answer; raises
    ``MailNotSent`` when delivery fails (logged, never shown raw).
    """
    message = build_message(to, subject, template, **context)
    try:
        return transmit(message)
    except MailNotSent as exc:
        log.error("could not send %r to %s: %s", template, to, exc)
        raise


def transmit(message: EmailMessage) -> str:
    """Hand a built message to SMTP (or print it without a server); return the answer.

    Raises ``MailNotSent`` when the server cannot be reached, stalls past
    ``MAIL_TIMEOUT`` or refuses the message.
    """
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        # Development: print the readable text part (links unwrapped) to the log.
        text = message.get_body(preferencelist=("plain",)).get_content()
        log.info(
            "No MAIL_SERVER configured; not sent:\nTo: %s\nSubject: %s\n\n%s",
            message["To"],
            message["Subject"],
            text,
        )
        return "printed to the log"
    try:
        return _deliver(message, config)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(str(exc)) from exc


def build_message(
    to: str, subject: str, template: str, *, message_id: str | None = None, **context
) -> EmailMessage:
    """Return the message with its text and HTML parts.

    ``message_id`` makes the ``Message-ID`` header stable, so a message sent
    again after a crash is recognisably the same one.
    """
    message = EmailMessage()
    domain = _mail_domain()
    message["Message-ID"] = f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain)
    message["Subject"] = subject
    message["From"] = _sender()
    message["To"] = transport_address(to)
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return message


def _sender() -> str:
    """``MAIL_DEFAULT_SENDER``, or the site's name at ``no-reply@localhost``."""
    configured = current_app.config["MAIL_DEFAULT_SENDER"]
    if configured:
        return configured
    # Address quotes the name when it needs it ("Acme, Inc." has a comma).
    return str(Address(current_app.config["SITE_NAME"], "no-reply", "localhost"))


def _mail_domain() -> str:
    """The domain of ``Message-ID`` headers: the site's own host."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def transport_address(address: str) -> str:
    """Spell the domain in ASCII (punycode), which every SMTP server accepts."""
    local, _, domain = address.rpartition("@")
    if domain.isascii():
        return address
    return f"{local}@{idna.encode(domain).decode('ascii')}"


class _KeepsDataReply:
    """Keep the server's reply to DATA, which ``send_message`` throws away.

    That final reply is the server taking responsibility for the message
    (often with its queue id), the most useful thing to show an operator.
    """

    data_reply: tuple[int, bytes] | None = None

    def data(self, msg):
        """Send the message body and remember what the server answered."""
        code, reply = super().data(msg)
        self.data_reply = (code, reply)
        return code, reply


class _SMTP(_KeepsDataReply, smtplib.SMTP):
    """``smtplib.SMTP`` that keeps the reply to DATA."""


class _SMTPSSL(_KeepsDataReply, smtplib.SMTP_SSL):
    """``smtplib.SMTP_SSL`` that keeps the reply to DATA."""


def _deliver(message: EmailMessage, config) -> str:
    """Hand the message to the configured SMTP server; return its final reply."""
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        smtp = _SMTPSSL(host, port, timeout=timeout, context=context)
    else:
        smtp = _SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        # Addresses with a non-ASCII local part need the server's SMTPUTF8.
        needs_utf8 = not str(message["To"]).isascii()
        refused = smtp.send_message(message, mail_options=["SMTPUTF8"] if needs_utf8 else [])
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        reply = smtp.data_reply
    if reply is None:
        return f"accepted by {host}:{port}"
    code, text = reply
    # Multi-line replies come joined with newlines; the answer is one line.
    words = " ".join(text.decode("utf-8", "replace").split())
    return f"accepted by {host}:{port} ({code} {words})"
