"""A real SMTP server for tests (aiosmtpd), and a mailbox to read what it got."""

import email
import email.policy
import re
import socket
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"]+")


class Mailbox:
    """Messages the test SMTP server accepted, oldest first."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        """aiosmtpd handler hook: keep the message."""
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages sent to ``address``."""
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def last_to(self, address: str) -> EmailMessage:
        """Return the newest message sent to ``address`` (fails if none)."""
        found = self.to(address)
        assert found, f"no message to {address}; got {[str(m['To']) for m in self.messages]}"
        return found[-1]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20) -> list[EmailMessage]:
        """Wait until ``count`` messages reached ``address`` (a real worker sends them later)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        got = [str(m["To"]) for m in self.messages]
        raise AssertionError(f"{len(self.to(address))} of {count} messages to {address}; got {got}")

    @staticmethod
    def text(message: EmailMessage) -> str:
        """Return the plain-text part of a message."""
        return message.get_body(preferencelist=("plain",)).get_content()

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        """Return every link in the plain-text part, in order."""
        return LINK.findall(cls.text(message))


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """A running aiosmtpd server on loopback."""

    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(
            self.mailbox,
            hostname="127.0.0.1",
            port=self.port,
            enable_SMTPUTF8=True,
        )

    def start(self) -> "SMTPServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
