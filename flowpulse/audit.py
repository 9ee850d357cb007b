"""Authentication events: one log line each on the ``flowpulse.audit`` logger.

Lines read ``event key=value ...`` so operators can route and grep them.
Only identifiers go in (user and session ids, client IPs): never a password,
a token, a cookie or an email address.
"""

import logging

from flask import has_request_context, request

log = logging.getLogger("flowpulse.audit")


def record(event: str, **fields: object) -> None:
    """Log one authentication event, with the client IP when there is a request."""
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
    details = " ".join(f"{key}={value}" for key, value in fields.items() if value is not None)
    log.info("%s %s", event, details)
