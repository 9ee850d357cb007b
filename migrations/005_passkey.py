"""005_passkey: passkeys (WebAuthn credentials), a first or a second factor.

Written by hand, like 001: peewee-migrate's generator cannot serialise named
indexes or database-level DEFAULT clauses. Rolling back drops the table and
nothing else.
"""

import peewee as pw
from peewee_migrate import Migrator


def _timestamp_default(database: pw.Database) -> pw.SQL:
    """Return ``DEFAULT now()`` in UTC for this engine (columns have no zone)."""
    if isinstance(database, pw.PostgresqlDatabase):
        return pw.SQL("DEFAULT (now() AT TIME ZONE 'utc')")
    return pw.SQL("DEFAULT CURRENT_TIMESTAMP")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Create passkey: any number per account, deleted with it."""
    now = _timestamp_default(database)
    users = migrator.orm["user"]

    @migrator.create_model
    class Passkey(pw.Model):
        id = pw.TextField(primary_key=True)
        name = pw.TextField()
        public_key = pw.TextField()
        user = pw.ForeignKeyField(
            users, column_name="user_id", on_delete="CASCADE", field="id", index=False
        )
        credential_id = pw.TextField()
        counter = pw.BigIntegerField()
        device_type = pw.TextField()
        backed_up = pw.BooleanField(constraints=[pw.SQL("DEFAULT false")])
        transports = pw.TextField()
        aaguid = pw.TextField(null=True)
        created_at = pw.DateTimeField(constraints=[now])
        last_used_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "passkey"

    Passkey._meta.indexes = [
        Passkey.index(Passkey.user, name="passkey_userId_idx"),
        Passkey.index(Passkey.credential_id, unique=True, name="passkey_credentialId_idx"),
    ]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop passkey."""
    migrator.remove_model("passkey")
