"""Read-only queries behind the operator tools (``flask users``/``sessions``, the studio).

Each returns an unevaluated query, so a caller can count it, page it or
limit it without loading more rows than it shows.
"""

from peewee import ModelSelect

from flowpulse.core.clock import utcnow
from flowpulse.core.models import Session, User


def users_matching(search: str | None = None) -> ModelSelect:
    """Return users, newest first, whose email or name contains ``search``.

    The match ignores case (ILIKE on PostgreSQL, LIKE on SQLite, where only
    ASCII letters fold); ``%`` and ``_`` in the text match themselves.
    """
    query = User.select()
    if search:
        query = query.where(User.email.contains(search) | User.name.contains(search))
    return query.order_by(User.created_at.desc(), User.id)


def sessions_with_users(*, user_id: str | None = None, live_only: bool = True) -> ModelSelect:
    """Return sessions joined to their user, most recently active first.

    One query for any number of rows: ``row.user.email`` needs no lookup.
    The token digest is not even selected: what is not loaded cannot leak.
    """
    shown = [field for field in Session._meta.sorted_fields if field is not Session.token]
    query = Session.select(*shown, User.id, User.email, User.name).join(User)
    if user_id is not None:
        query = query.where(Session.user == user_id)
    if live_only:
        query = query.where(Session.expires_at > utcnow())
    return query.order_by(Session.updated_at.desc(), Session.id)
