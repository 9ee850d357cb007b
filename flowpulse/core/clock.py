"""The one clock: naive UTC datetimes, as stored in ``timestamp`` columns."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo (``timestamp`` without zone)."""
    return datetime.now(UTC).replace(tzinfo=None)
