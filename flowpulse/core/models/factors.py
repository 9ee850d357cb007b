"""Second factors: an authenticator app's secret and the recovery codes that stand in for it.

The columns are those of Better Auth's two-factor plugin. ``secret`` is
encrypted at rest (``flowpulse.core.crypto``): the server must read it back
to check a code, so a digest would not do. ``backup_codes`` holds only the
SHA-256 digests of the recovery codes, as a JSON list: a used code's digest
is removed from it.
"""

import json

from peewee import DateTimeField, ForeignKeyField, IntegerField, TextField

from flowpulse.core.clock import utcnow
from flowpulse.core.models.base import DEFAULT_NOW, BaseModel
from flowpulse.core.models.seed import User


class TwoFactor(BaseModel):
    """A person's authenticator app (one per account) and recovery-code digests."""

    user = ForeignKeyField(
        User,
        backref="two_factor",
        column_name="user_id",
        on_delete="CASCADE",
        index=False,  # the unique index is named below, as the seed names its own
    )
    secret = TextField()
    backup_codes = TextField(default="[]")
    #: The last 30-second TOTP step a code was accepted for: no code works twice.
    last_used_step = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    updated_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])

    class Meta:
        table_name = "two_factor"

    @property
    def code_digests(self) -> list[str]:
        """The digests of the recovery codes not used yet."""
        return json.loads(self.backup_codes or "[]")

    @classmethod
    def of(cls, user_id: str) -> "TwoFactor | None":
        """Return a user's authenticator app, if they turned one on."""
        return cls.get_or_none(cls.user == user_id)


# One authenticator app per account, in a named unique index (like the seed's).
TwoFactor.add_index(TwoFactor.index(TwoFactor.user, unique=True, name="two_factor_userId_idx"))
