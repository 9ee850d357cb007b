"""SMTP servers that misbehave on purpose: refusing, silent, or stalling mid-message."""

import asyncio
import socket
import threading

from aiosmtpd.controller import Controller

from tests.mailbox import Mailbox, free_port


class Refuses:
    """An aiosmtpd handler that takes every message and then refuses it."""

    async def handle_DATA(self, server, session, envelope):
        return "554 5.7.1 Message refused"


class Silent:
    """A TCP listener that accepts connections and never says a word."""

    def __init__(self):
        self.port = free_port()
        self._socket = socket.create_server(("127.0.0.1", self.port))
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._hold, daemon=True)
        self._thread.start()

    def _hold(self):
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._held.append(connection)  # keep it open, say nothing

    def close(self):
        self._socket.close()
        for connection in self._held:
            connection.close()


class StallsAfterData(Mailbox):
    """A mailbox that keeps each message, then holds its reply until released.

    The sender's side has sent the whole message and waits for the "250":
    a worker killed now leaves a message the server has, but that the
    worker never saw accepted.
    """

    def __init__(self):
        super().__init__()
        self.received = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        await super().handle_DATA(server, session, envelope)
        self.received.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


def start_smtp(handler) -> tuple[Controller, int]:
    """Start an aiosmtpd server with ``handler`` on a free loopback port."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    return controller, port
