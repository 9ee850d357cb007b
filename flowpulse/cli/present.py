"""What the CLI shows of each row, as JSON-ready dicts.

Every function names the columns it shows (an allow-list), so a secret
column (``session.token``, ``account.password``, the OAuth tokens) is never
printed, and a column added later stays hidden until someone decides to show it.
"""

from typing import Any

from flowpulse.cli.output import iso_time
from flowpulse.core.models import Account, Session, User


def user_summary(user: User) -> dict[str, Any]:
    """Return the public columns of a user."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "email_verified": bool(user.email_verified),
        "image": user.image,
        "created_at": iso_time(user.created_at),
        "updated_at": iso_time(user.updated_at),
    }


def session_summary(session: Session, *, email: str | None = None) -> dict[str, Any]:
    """Return a session without its token; ``email`` names its user when listed."""
    summary = {"id": session.id, "user_id": session.user_id}
    if email is not None:
        summary["user_email"] = email
    summary.update(
        ip_address=session.ip_address,
        user_agent=session.user_agent,
        created_at=iso_time(session.created_at),
        last_active_at=iso_time(session.updated_at),
        expires_at=iso_time(session.expires_at),
    )
    return summary


def account_summary(account: Account) -> dict[str, Any]:
    """Return an account without its password hash or OAuth tokens."""
    return {
        "id": account.id,
        "provider_id": account.provider_id,
        "account_id": account.account_id,
        # Whether a password is set helps support; the hash itself never leaves.
        "has_password": bool(account.password),
        "scope": account.scope,
        "access_token_expires_at": iso_time(account.access_token_expires_at),
        "refresh_token_expires_at": iso_time(account.refresh_token_expires_at),
        "created_at": iso_time(account.created_at),
        "updated_at": iso_time(account.updated_at),
    }
