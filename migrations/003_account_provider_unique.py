"""003_account_provider_unique: one provider identity belongs to at most one user.

A unique index on ``account (provider_id, account_id)``: two callbacks racing
to link one Google identity to two accounts make exactly one row, whatever
the code above it does. Password accounts (``credential``, the user's id)
are unique already, so existing data satisfies it.

Written by hand, like 001 and 002; the index is also recorded on the
migrator's model so that ``flask db generate`` finds the models and the
migrations alike. Rolling back drops the index and nothing else: the seed's
tables keep their columns and rows.
"""

import peewee as pw
from peewee_migrate import Migrator

INDEX = "account_providerId_accountId_idx"


def _account(migrator: Migrator):
    return migrator.orm["account"]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Create the unique index."""
    account = _account(migrator)
    index = account.index(account.provider_id, account.account_id, unique=True, name=INDEX)
    account._meta.indexes = [*account._meta.indexes, index]
    migrator.sql(f'CREATE UNIQUE INDEX "{INDEX}" ON "account" ("provider_id", "account_id")')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop the unique index."""
    account = _account(migrator)
    account._meta.indexes = [i for i in account._meta.indexes if getattr(i, "_name", None) != INDEX]
    migrator.sql(f'DROP INDEX "{INDEX}"')
