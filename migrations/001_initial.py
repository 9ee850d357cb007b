"""001_initial: the seed's four tables, exactly as DATA_MODEL.md defines them.

Written by hand: peewee-migrate's generator cannot yet serialise the named
indexes or the database-level DEFAULT clauses. ``flask db generate`` right
after this migration finds no changes, which proves it matches the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def _timestamp_default(database: pw.Database) -> pw.SQL:
    """Return ``DEFAULT now()`` in UTC for this engine (columns have no zone)."""
    if isinstance(database, pw.PostgresqlDatabase):
        # now() is zoned; AT TIME ZONE 'utc' stores UTC whatever the session's
        # TimeZone, so rows inserted by other tools agree with the app's.
        return pw.SQL("DEFAULT (now() AT TIME ZONE 'utc')")
    return pw.SQL("DEFAULT CURRENT_TIMESTAMP")  # SQLite: always UTC


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Create user, session, account and verification."""
    now = _timestamp_default(database)

    @migrator.create_model
    class User(pw.Model):
        id = pw.TextField(primary_key=True)
        name = pw.TextField()
        email = pw.TextField(unique=True)
        email_verified = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT false")])
        image = pw.TextField(null=True)
        created_at = pw.DateTimeField(constraints=[now])
        updated_at = pw.DateTimeField(constraints=[now])

        class Meta:
            table_name = "user"

    @migrator.create_model
    class Session(pw.Model):
        id = pw.TextField(primary_key=True)
        expires_at = pw.DateTimeField()
        token = pw.TextField(unique=True)
        created_at = pw.DateTimeField(constraints=[now])
        updated_at = pw.DateTimeField()
        ip_address = pw.TextField(null=True)
        user_agent = pw.TextField(null=True)
        user = pw.ForeignKeyField(
            column_name="user_id",
            field="id",
            model=migrator.orm["user"],
            on_delete="CASCADE",
            index=False,
        )

        class Meta:
            table_name = "session"

    Session._meta.indexes = [Session.index(Session.user, name="session_userId_idx")]

    @migrator.create_model
    class Account(pw.Model):
        id = pw.TextField(primary_key=True)
        account_id = pw.TextField()
        provider_id = pw.TextField()
        user = pw.ForeignKeyField(
            column_name="user_id",
            field="id",
            model=migrator.orm["user"],
            on_delete="CASCADE",
            index=False,
        )
        access_token = pw.TextField(null=True)
        refresh_token = pw.TextField(null=True)
        id_token = pw.TextField(null=True)
        access_token_expires_at = pw.DateTimeField(null=True)
        refresh_token_expires_at = pw.DateTimeField(null=True)
        scope = pw.TextField(null=True)
        password = pw.TextField(null=True)
        created_at = pw.DateTimeField(constraints=[now])
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "account"

    Account._meta.indexes = [Account.index(Account.user, name="account_userId_idx")]

    @migrator.create_model
    class Verification(pw.Model):
        id = pw.TextField(primary_key=True)
        identifier = pw.TextField()
        value = pw.TextField()
        expires_at = pw.DateTimeField()
        created_at = pw.DateTimeField(constraints=[now])
        updated_at = pw.DateTimeField(constraints=[now])

        class Meta:
            table_name = "verification"

    Verification._meta.indexes = [
        Verification.index(Verification.identifier, name="verification_identifier_idx")
    ]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop the four tables, children first."""
    migrator.remove_model("verification")
    migrator.remove_model("account")
    migrator.remove_model("session")
    migrator.remove_model("user")
