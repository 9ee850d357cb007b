"""006_pending_sign_in: the sign-ins waiting for their second step, held on the server.

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
    """Create pending_sign_in: any number per account, deleted with it."""
    now = _timestamp_default(database)
    users = migrator.orm["user"]

    @migrator.create_model
    class PendingSignIn(pw.Model):
        id = pw.TextField(primary_key=True)
        user = pw.ForeignKeyField(
            users, column_name="user_id", on_delete="CASCADE", field="id", index=False
        )
        method = pw.TextField()
        remember = pw.BooleanField(constraints=[pw.SQL("DEFAULT false")])
        next_url = pw.TextField(null=True)
        wrong_codes = pw.IntegerField(constraints=[pw.SQL("DEFAULT 0")])
        credential_version = pw.TextField()
        carried = pw.TextField(null=True)
        created_at = pw.DateTimeField(constraints=[now])
        expires_at = pw.DateTimeField()

        class Meta:
            table_name = "pending_sign_in"

    PendingSignIn._meta.indexes = [
        PendingSignIn.index(PendingSignIn.user, name="pending_sign_in_userId_idx"),
    ]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop pending_sign_in."""
    migrator.remove_model("pending_sign_in")
