"""004_two_factor: authenticator apps and recovery codes (the second factor).

Written by hand, like 001: peewee-migrate's generator cannot serialise named
indexes or database-level DEFAULT clauses. Rolling back drops the table and nothing
else: the seed's four tables are untouched.
"""

import peewee as pw
from peewee_migrate import Migrator


def _timestamp_default(database: pw.Database) -> pw.SQL:
    """Return ``DEFAULT now()`` in UTC for this engine (columns have no zone)."""
    if isinstance(database, pw.PostgresqlDatabase):
        return pw.SQL("DEFAULT (now() AT TIME ZONE 'utc')")
    return pw.SQL("DEFAULT CURRENT_TIMESTAMP")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Create two_factor: one row per account, deleted with it."""
    now = _timestamp_default(database)
    users = migrator.orm["user"]

    @migrator.create_model
    class TwoFactor(pw.Model):
        id = pw.TextField(primary_key=True)
        user = pw.ForeignKeyField(
            users, column_name="user_id", on_delete="CASCADE", field="id", index=False
        )
        secret = pw.TextField()
        backup_codes = pw.TextField()
        last_used_step = pw.IntegerField(null=True)
        created_at = pw.DateTimeField(constraints=[now])
        updated_at = pw.DateTimeField(constraints=[now])

        class Meta:
            table_name = "two_factor"

    TwoFactor._meta.indexes = [
        TwoFactor.index(TwoFactor.user, unique=True, name="two_factor_userId_idx")
    ]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop two_factor."""
    migrator.remove_model("two_factor")
