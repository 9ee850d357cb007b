"""Passkeys (WebAuthn credentials): the columns of Better Auth's passkey plugin.

``public_key`` is the credential's COSE public key, base64url: it only checks
signatures, so it is no secret. ``credential_id`` is unique across accounts:
an authenticator answers with it, and it names one account. ``counter`` is the
last signature count the authenticator reported (0 for those that never
count). ``last_used_at`` is FlowPulse's own addition, shown on the profile.
"""

from peewee import BigIntegerField, BooleanField, DateTimeField, ForeignKeyField, TextField

from flowpulse.core.clock import utcnow
from flowpulse.core.models.base import DEFAULT_FALSE, DEFAULT_NOW, UnstampedModel
from flowpulse.core.models.seed import User


class Passkey(UnstampedModel):
    """One passkey of one account."""

    name = TextField()
    public_key = TextField()
    user = ForeignKeyField(
        User, backref="passkeys", column_name="user_id", on_delete="CASCADE", index=False
    )
    credential_id = TextField()
    counter = BigIntegerField(default=0)
    #: "singleDevice" or "multiDevice" (a synced passkey), as WebAuthn names them.
    device_type = TextField()
    backed_up = BooleanField(default=False, constraints=[DEFAULT_FALSE])
    #: JSON list of how the browser can reach the authenticator ("internal", "usb", ...).
    transports = TextField(default="[]")
    aaguid = TextField(null=True)
    created_at = DateTimeField(default=utcnow, constraints=[DEFAULT_NOW])
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "passkey"

    @classmethod
    def of(cls, user_id: str):
        """The passkeys of an account, oldest first."""
        return cls.select().where(cls.user == user_id).order_by(cls.created_at, cls.id)


# Named like the seed's indexes: one account's passkeys, and one owner per credential.
Passkey.add_index(Passkey.index(Passkey.user, name="passkey_userId_idx"))
Passkey.add_index(
    Passkey.index(Passkey.credential_id, unique=True, name="passkey_credentialId_idx")
)
