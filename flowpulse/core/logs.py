"""Log output for FlowPulse run as its own application (``flask run``, gunicorn, the CLI).

The application factory configures nothing: a team's product that embeds
FlowPulse keeps its own logging. ``app.py``, the entry point of ``make run``,
``make serve`` and ``flask`` commands, calls ``configure_logging`` once.
"""

import logging
import time


class UTCFormatter(logging.Formatter):
    """ISO 8601 timestamps in UTC (ASVS V16.2.2): one timeline across hosts."""

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


#: Marks the handler ``configure_logging`` installed, so its level can be changed later.
_CONSOLE = "flowpulse_console"


def configure_logging() -> None:
    """Log INFO and above to stderr, stamped in UTC, unless logging is set up already."""
    if logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(UTCFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    setattr(handler, _CONSOLE, True)
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def set_console_level(level: int) -> None:
    """Show only ``level`` and above on stderr (our own handler; a product's stay as set)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _CONSOLE, False):
            handler.setLevel(level)
