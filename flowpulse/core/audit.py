"""Authentication events: one log line each on the ``flowpulse.audit`` logger.

Lines read ``event key=value ...`` so operators can route and grep them.
Only identifiers go in (user and session ids, client IPs): never a password,
a token, a cookie or an email address.

Committed changes reach the log as one subscriber of ``flowpulse.signals``;
what is not a change (a failed sign-in, a refused link) is recorded directly
with ``record``.
"""

import logging

from flask import Flask, has_request_context, request

from flowpulse import signals

log = logging.getLogger("flowpulse.audit")

#: The audit event each signal is logged as.
SIGNAL_EVENTS = {
    "user-signed-up": "account.created",
    "user-signed-in": "sign-in.succeeded",
    "user-signed-out": "sign-out",
    "email-verified": "email.verified",
    "email-change-requested": "email-change.requested",
    "email-changed": "email-change.applied",
    "password-changed": "password.changed",
    "password-reset": "password-reset.completed",
    "profile-updated": "profile.updated",
    "account-connected": "account.connected",
    "account-disconnected": "account.disconnected",
    "user-deleted": "account.deleted",
    "two-factor-enabled": "two-factor.enabled",
    "two-factor-disabled": "two-factor.disabled",
    "recovery-code-used": "two-factor.recovery-code-used",
    "passkey-added": "passkey.added",
    "passkey-removed": "passkey.removed",
}


def record(event: str, **fields: object) -> None:
    """Log one authentication event, with the client IP when there is a request."""
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
    details = " ".join(f"{key}={value}" for key, value in fields.items() if value is not None)
    log.info("%s %s", event, details)


def init_app(app: Flask) -> None:
    """Log every FlowPulse signal this app sends."""
    for signal in signals.ALL:
        signal.connect(_logger_of(SIGNAL_EVENTS[signal.name]), sender=app, weak=False)


def _logger_of(event: str):
    """Return a receiver that writes ``event``'s line: ids only, never addresses or secrets."""

    def log_signal(app: Flask, **data: object) -> None:
        fields = {"user": getattr(data.get("user"), "id", None)}
        for name in ("session", "account", "passkey"):
            if name in data:
                fields[name] = getattr(data[name], "id", None)
        for name in ("by", "count"):
            if name in data:
                fields[name] = data[name]
        record(event, **fields)

    return log_signal
