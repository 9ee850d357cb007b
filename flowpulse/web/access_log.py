"""Access logs with the secret part of token URLs masked: Granian's, gunicorn's, the dev server's.

Reset and verification links carry their token in the path; an access log
that kept it would let anyone who reads the logs use the link. Paths come
from clients, so their control characters are escaped too: a ``%0a`` in a
URL must not start a forged log line.
"""

import logging
import re
import sys

from flask import request
from gunicorn.glogging import Logger

#: Paths whose last segment is a one-time token (slashes already collapsed:
#: ``//auth/reset-password/...`` is routed to the same page).
TOKEN_PATH = re.compile(r"^(/auth/reset-password/|/verify/email/)[^/?\s]+")

#: Control characters, which a log line must never carry raw.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_control_characters(text: str) -> str:
    """Write control characters as escapes (``\\n``, ``\\x1b``), so one request is one line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def loggable_path() -> str:
    """The current request's path as our own log lines may show it (token masked)."""
    return mask_token_path(request.path)


def mask_token_path(path: str) -> str:
    """Replace the token in a token URL's path with a placeholder; escape the rest."""
    collapsed = re.sub(r"/{2,}", "/", path)
    masked = TOKEN_PATH.sub(r"\1[token]", collapsed)
    if masked == collapsed:
        masked = path  # not a token path: log it as it was asked for
    return escape_control_characters(masked)


class AccessLogger(Logger):
    """gunicorn's logger, with token paths masked and no query strings."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = mask_token_path(atoms["U"])
        atoms["U"] = path
        atoms["r"] = f"{escape_control_characters(atoms['m'])} {path} {atoms['H']}"
        atoms["q"] = ""
        return atoms


class GranianAccessMask(logging.Filter):
    """Mask token paths and escape control characters in Granian's access log lines.

    Granian logs each request with a dict of atoms; its ``path`` never holds
    the query string, and our format (``flowpulse.serving``) does not log it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            atoms = dict(record.args)
            atoms["path"] = mask_token_path(str(atoms.get("path", "")))
            atoms["method"] = escape_control_characters(str(atoms.get("method", "")))
            atoms["query_string"] = ""
            record.args = atoms
        return True


#: The request line inside the development server's log message.
_DEV_REQUEST = re.compile(r"(\S+) (/\S*?)(?:\?\S*)? (HTTP/[\d.]+)")

#: Control characters but ESC, which the dev server uses for colours on a terminal.
_CONTROL_BUT_ESCAPE = re.compile(r"[\x00-\x1a\x1c-\x1f\x7f-\x9f]")


#: The colour codes the dev server adds to its request lines.
_ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


class DevServerTokenMask(logging.Filter):
    """Mask token paths (and drop query strings) in ``flask run``'s request lines.

    Colours stay for a person watching a terminal and go for a log file.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not sys.stderr.isatty():
            message = _ANSI_COLOUR.sub("", message)
        message = _CONTROL_BUT_ESCAPE.sub(
            lambda m: m.group().encode("unicode_escape").decode("ascii"), message
        )
        record.msg = _DEV_REQUEST.sub(lambda m: f"{m[1]} {mask_token_path(m[2])} {m[3]}", message)
        record.args = ()
        return True


def mask_dev_server_log() -> None:
    """Install ``DevServerTokenMask`` on Werkzeug's request logger (``make run``)."""
    logging.getLogger("werkzeug").addFilter(DevServerTokenMask())
