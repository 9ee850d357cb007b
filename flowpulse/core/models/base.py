"""Shared building blocks of every table: text ids, database-level defaults, ``updated_at``."""

import secrets

from peewee import SQL, Model, TextField

from flowpulse.core.clock import utcnow
from flowpulse.core.database import db

# The seed's defaultNow() and default(false) are DEFAULT clauses in the table,
# so rows written by other tools get them too; peewee's default= is Python-only.
DEFAULT_NOW = SQL("DEFAULT CURRENT_TIMESTAMP")
DEFAULT_FALSE = SQL("DEFAULT false")


def new_id() -> str:
    """Return a random, URL-safe primary key (128 bits)."""
    return secrets.token_urlsafe(16)


class BaseModel(Model):
    """Shared base: text ids, and an ``updated_at`` that moves on every write."""

    id = TextField(primary_key=True, default=new_id)

    class Meta:
        database = db
        legacy_table_names = False

    def save(self, *args, **kwargs):
        """Save the row, stamping ``updated_at`` with the current time."""
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)

    @classmethod
    def update(cls, __data=None, **update):
        """Build an UPDATE that also stamps ``updated_at`` unless it is given."""
        data = dict(__data or {}, **update)
        named = {key if isinstance(key, str) else key.name for key in data}
        if "updated_at" not in named:
            data[cls.updated_at] = utcnow()
        return super().update(data)


class UnstampedModel(BaseModel):
    """A table without ``updated_at``: rows are written as they are."""

    def save(self, *args, **kwargs):
        """Save the row as it is."""
        return super(BaseModel, self).save(*args, **kwargs)

    @classmethod
    def update(cls, __data=None, **update):
        """Build a plain UPDATE (there is no ``updated_at`` to stamp)."""
        return super(BaseModel, cls).update(__data, **update)
