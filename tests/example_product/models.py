"""The example product's own table, next to FlowPulse's four, on FlowPulse's database."""

import secrets

from peewee import ForeignKeyField, Model, TextField

from flowpulse.core.database import db
from flowpulse.core.models import User


class Workspace(Model):
    """One workspace per account, deleted with it."""

    id = TextField(primary_key=True, default=lambda: secrets.token_urlsafe(16))
    owner = ForeignKeyField(User, column_name="owner_id", on_delete="CASCADE", unique=True)
    name = TextField()

    class Meta:
        database = db  # the app's own database, whichever engine it runs on
        table_name = "workspace"
