"""Sign-ins waiting for their second step: held on the server, never in a cookie.

The browser holds only a random id (in Flask's signed session); the row's
``id`` is that id's SHA-256, so a copy of the table lets nobody continue a
sign-in. ``wrong_codes`` is incremented in the database, atomically, so an
older copy of the browser's cookie buys no extra guesses.
``credential_version`` is a digest of the password hash the first factor was
checked against: once the password changes, the pending sign-in is dead.
``carried`` is what the sign-in brings along once it completes (a provider
identity to link), encrypted at rest because it may hold provider tokens.
"""

from peewee import BooleanField, DateTimeField, ForeignKeyField, IntegerField, TextField

from flowpulse.core.clock import utcnow
from flowpulse.core.models.base import DEFAULT_FALSE, DEFAULT_NOW, UnstampedModel
from flowpulse.core.models.seed import User


class PendingSignIn(UnstampedModel):
    """One sign-in proven by its first factor and waiting for the second."""

    user = ForeignKeyField(
        User, backref="pending_sign_ins", column_name="user_id", on_delete="CASCADE", index=False
    )
    #: How the first factor was proven: "password", "passkey" or a provider id.
    method = TextField()
    remember = BooleanField(default=False, constraints=[DEFAULT_FALSE])
    next_url = TextField(null=True)
    wrong_codes = IntegerField(default=0)
    credential_version = TextField()
    carried = TextField(null=True)
    created_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    expires_at = DateTimeField()

    class Meta:
        table_name = "pending_sign_in"


# One account's pending sign-ins are found (and ended) through this index.
PendingSignIn.add_index(PendingSignIn.index(PendingSignIn.user, name="pending_sign_in_userId_idx"))
