"""002_mail_message: the outbox every email is written to before a worker delivers it.

Written by hand, like 001: peewee-migrate's generator cannot serialise named
indexes or database-level DEFAULT clauses. Rolling back drops the table and
nothing else: the seed's four tables are untouched.
"""

import peewee as pw
from peewee_migrate import Migrator


def _timestamp_default(database: pw.Database) -> pw.SQL:
    """Return ``DEFAULT now()`` in UTC for this engine (columns have no zone)."""
    if isinstance(database, pw.PostgresqlDatabase):
        return pw.SQL("DEFAULT (now() AT TIME ZONE 'utc')")
    return pw.SQL("DEFAULT CURRENT_TIMESTAMP")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Create mail_message with its two indexes."""
    now = _timestamp_default(database)

    @migrator.create_model
    class MailMessage(pw.Model):
        id = pw.TextField(primary_key=True)
        kind = pw.TextField()
        recipient = pw.TextField()
        user_id = pw.TextField(null=True)
        context = pw.TextField()
        status = pw.TextField()
        attempts = pw.IntegerField()
        next_attempt_at = pw.DateTimeField()
        claimed_until = pw.DateTimeField(null=True)
        last_error = pw.TextField(null=True)
        created_at = pw.DateTimeField(constraints=[now])
        updated_at = pw.DateTimeField(constraints=[now])
        sent_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "mail_message"

    MailMessage._meta.indexes = [
        MailMessage.index(
            MailMessage.status, MailMessage.next_attempt_at, name="mail_message_due_idx"
        ),
        MailMessage.index(MailMessage.user_id, name="mail_message_userId_idx"),
    ]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop mail_message."""
    migrator.remove_model("mail_message")
