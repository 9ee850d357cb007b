"""Which issuer each linked provider identity came from: FlowPulse's own table beside ``account``.

The seed's ``account`` row keys an identity by ``provider_id`` (FlowPulse's
name for a configured provider) and ``account_id`` (the provider's subject),
not by the issuer behind it: re-pointing a provider id at another tenant
would map that tenant's subjects onto existing users. So the issuer of every
identity linked since ``007_account_issuer`` is kept here, one row per
``account`` row (deleted with it), and compared at each sign-in. The seed's
table does not change.
"""

from peewee import ForeignKeyField, TextField

from flowpulse.core.models.base import UnstampedModel
from flowpulse.core.models.seed import Account


class AccountIssuer(UnstampedModel):
    """The issuer a linked provider identity was proven by."""

    account = ForeignKeyField(
        Account, primary_key=True, column_name="account_id", on_delete="CASCADE"
    )
    #: An OpenID Connect issuer (the ID token's ``iss``), or GitHub's API URL.
    issuer = TextField()

    class Meta:
        table_name = "account_issuer"
