"""007_account_issuer: the issuer each linked provider identity came from.

One row per provider ``account`` row (its id is the primary key), deleted
with it: a sign-in compares the stored issuer with the provider's current
one, so a provider id re-pointed at another tenant cannot sign its subjects
in as existing users. The seed's ``account`` table is not touched. Rows
linked before this migration get theirs at their next sign-in.

Written by hand, like 004 and 005. Rolling back drops the table and nothing
else.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Create account_issuer: one row per linked identity, deleted with it."""
    accounts = migrator.orm["account"]

    @migrator.create_model
    class AccountIssuer(pw.Model):
        account = pw.ForeignKeyField(
            accounts, column_name="account_id", on_delete="CASCADE", field="id", primary_key=True
        )
        issuer = pw.TextField()

        class Meta:
            table_name = "account_issuer"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop account_issuer."""
    migrator.remove_model("account_issuer")
