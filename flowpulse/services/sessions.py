"""Signed-in sessions: one ``session`` row per device, found by token digest.

A session lives ``AUTH_SESSION_EXPIRES_IN`` after its last activity, never
past its hard cap: ``AUTH_SESSION_ABSOLUTE_LIFETIME`` since sign-in when the
person asked to be remembered, ``AUTH_BROWSER_SESSION_LIFETIME`` (a day)
otherwise. The token itself says which kind it is (``p.`` or ``b.``); only its
digest is stored, so the kind cannot be changed without breaking the lookup.
"""

import functools
import ipaddress
from datetime import datetime, timedelta

from flask import current_app

from flowpulse import signals
from flowpulse.core import audit
from flowpulse.core.clock import utcnow
from flowpulse.core.database import db, transaction
from flowpulse.core.models import Session, User, Verification
from flowpulse.core.text import without_control_characters
from flowpulse.core.tokens import digest, new_session_token
from flowpulse.services import verification_tokens as tokens

#: Token prefixes that record whether the cookie outlives the browser.
PERSISTENT_PREFIX = "p."
BROWSER_PREFIX = "b."

#: User agents are kept short: enough to name a device, no more.
MAX_USER_AGENT_LENGTH = 512


def is_persistent(token: str) -> bool:
    """Tell whether a session token belongs to a "remember me" sign-in."""
    return token.startswith(PERSISTENT_PREFIX)


def _seconds(key: str) -> timedelta:
    return timedelta(seconds=int(current_app.config[key]))


def _hard_cap(created_at: datetime, persistent: bool) -> datetime:
    key = "AUTH_SESSION_ABSOLUTE_LIFETIME" if persistent else "AUTH_BROWSER_SESSION_LIFETIME"
    return created_at + _seconds(key)


def _expiry(created_at: datetime, now: datetime, persistent: bool) -> datetime:
    """Slide the idle expiry forward, but never past the hard cap."""
    return min(now + _seconds("AUTH_SESSION_EXPIRES_IN"), _hard_cap(created_at, persistent))


def start_session(
    user: User, *, remember: bool, ip_address: str | None, user_agent: str | None
) -> tuple[str, Session]:
    """Create a fresh session row; return the cookie's token and the row.

    An account holds at most ``AUTH_MAX_SESSIONS`` sessions: past that, the
    oldest end, so a script signing in over and over cannot grow the table
    (or the devices page) without bound.
    """
    token = (PERSISTENT_PREFIX if remember else BROWSER_PREFIX) + new_session_token()
    now = utcnow()
    with transaction():
        row = Session.create(
            user=user,
            token=digest(token),
            created_at=now,
            updated_at=now,
            expires_at=_expiry(now, now, remember),
            ip_address=_valid_ip(ip_address),
            # PostgreSQL refuses NUL, and pages show the rest.
            user_agent=without_control_characters(user_agent)[:MAX_USER_AGENT_LENGTH] or None,
        )
        _end_sessions_past_the_cap(user.id)
    return token, row


def _end_sessions_past_the_cap(user_id: str) -> None:
    """End the account's oldest sessions beyond ``AUTH_MAX_SESSIONS`` (one indexed DELETE)."""
    newest_first = (
        Session.select(Session.id)
        .where(Session.user == user_id)
        .order_by(Session.created_at.desc(), Session.id.desc())
        .offset(int(current_app.config["AUTH_MAX_SESSIONS"]))
    )
    Session.delete().where(Session.id.in_(newest_first)).execute()


def _valid_ip(value: str | None) -> str | None:
    """Keep an address only if it is one (headers may carry anything)."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def find_live_session(token: str) -> Session | None:
    """Return the live session for a cookie token, with its user, in one query."""
    row = _session_with_user(digest(token))
    now = utcnow()
    if row is None or row.expires_at <= now:
        return None
    if now >= _hard_cap(row.created_at, is_persistent(token)):
        return None
    return row


def _session_with_user(token_digest: str) -> Session | None:
    """Run the query every signed-in request makes: session joined to its user.

    Peewee rebuilds a query's SQL on every execution, which here cost about as
    much as running it; this statement is compiled once per engine instead,
    and its one row is mapped onto the two models.
    """
    cursor = db.execute_sql(_session_lookup_sql(type(db.obj)), (token_digest,))
    values = cursor.fetchone()
    if values is None:
        return None
    split = len(Session._meta.sorted_fields)
    row = _model_from_values(Session, values[:split])
    row.user = _model_from_values(User, values[split:])
    return row


@functools.cache
def _session_lookup_sql(engine: type) -> str:
    """Compile ``SELECT session.*, user.* ... WHERE session.token = ?`` (token is unique)."""
    query = Session.select(Session, User).join(User).where(Session.token == "")
    sql, _params = query.sql()
    return sql


def _model_from_values(model, values):
    """Build a model instance from one row's values, in ``sorted_fields`` order."""
    fields = model._meta.sorted_fields
    pairs = zip(fields, values, strict=True)
    return model(**{field.name: field.python_value(value) for field, value in pairs})


def refresh_if_due(row: Session, token: str) -> bool:
    """Record activity and slide the expiry, at most every UPDATE_AGE seconds.

    Returns whether the row was written (and so whether the cookie's own
    expiry must move with it).
    """
    now = utcnow()
    if now - row.updated_at < _seconds("AUTH_SESSION_UPDATE_AGE"):
        return False
    row.expires_at = _expiry(row.created_at, now, is_persistent(token))
    row.updated_at = now
    Session.update(expires_at=row.expires_at, updated_at=now).where(Session.id == row.id).execute()
    return True


def end_session(token: str, *, renewed: bool = False) -> None:
    """Delete the session a cookie token belongs to (sign-out).

    ``renewed``: the browser stays signed in with a fresh token (after a
    change of credentials), so nobody signed out and no signal is sent.
    """
    row = _session_with_user(digest(token))
    if row is None:
        return  # already ended elsewhere (revoked, expired and pruned)
    if Session.delete().where(Session.id == row.id).execute() and not renewed:
        signals.send(signals.user_signed_out, user=row.user, session=row)


def end_sessions_of(user_id: str, *, keep_session_id: str | None = None) -> int:
    """Delete every session of a user, except one if given; return how many.

    The browsers the person trusted to skip the second step are forgotten
    too: "sign out everywhere" must mean a password alone gets nobody back.
    """
    tokens.discard_tokens(tokens.TRUST_DEVICE, user_id)
    query = Session.delete().where(Session.user == user_id)
    if keep_session_id is not None:
        query = query.where(Session.id != keep_session_id)
    ended = query.execute()
    if ended:
        audit.record("sessions.ended", user=user_id, count=ended, kept=keep_session_id)
    return ended


def end_all_sessions() -> int:
    """Delete every session of every user (an operator's emergency stop), and every trust."""
    Verification.delete().where(
        Verification.identifier.startswith(tokens.TRUST_DEVICE + ":")
    ).execute()
    ended = Session.delete().execute()
    audit.record("sessions.ended-for-everyone", count=ended)
    return ended


def revoke_session(session_id: str, *, owner_id: str | None = None) -> str | None:
    """Delete one session by id; return its user's id, or None if there was none.

    With ``owner_id`` (a person ending one of their devices) another
    person's session is never touched: the answer is None, as for no session.
    """
    query = Session.select(Session.user).where(Session.id == session_id)
    if owner_id is not None:
        query = query.where(Session.user == owner_id)
    user_id = query.scalar()
    if user_id is None:
        return None
    if not Session.delete().where(Session.id == session_id).execute():
        return None  # ended by someone else in between
    audit.record("session.revoked", user=user_id, session=session_id)
    return user_id


def live_sessions_of(user_id: str) -> list[Session]:
    """Return a user's unexpired sessions, most recently active first."""
    return list(
        Session.select()
        .where((Session.user == user_id) & (Session.expires_at > utcnow()))
        .order_by(Session.updated_at.desc())
    )
