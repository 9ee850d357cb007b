"""The tables CONTRACT §10 adds: two_factor and passkey, their columns, indexes and cascades."""

import pytest
from peewee import IntegrityError

from flowpulse.core.database import db
from flowpulse.core.models import Passkey, TwoFactor, User

#: The contract's columns (Better Auth's plugins); passkey.last_used_at is FlowPulse's own.
COLUMNS = {
    "two_factor": {
        "id",
        "user_id",
        "secret",
        "backup_codes",
        "last_used_step",
        "created_at",
        "updated_at",
    },
    "passkey": {
        "id",
        "name",
        "public_key",
        "user_id",
        "credential_id",
        "counter",
        "device_type",
        "backed_up",
        "transports",
        "aaguid",
        "created_at",
        "last_used_at",
    },
}


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_the_factor_tables_have_the_contract_columns(app, table):
    with app.app_context():
        assert {column.name for column in db.get_columns(table)} == COLUMNS[table]


def test_the_passkey_indexes_are_named_and_the_credential_is_unique(app):
    with app.app_context():
        indexes = {index.name: (index.columns, index.unique) for index in db.get_indexes("passkey")}
    assert indexes["passkey_userId_idx"] == (["user_id"], False)
    assert indexes["passkey_credentialId_idx"] == (["credential_id"], True)


def _passkey(user, credential_id="cred") -> Passkey:
    return Passkey.create(
        user=user.id, name="Key", public_key="pk", credential_id=credential_id, device_type="x"
    )


def test_one_credential_belongs_to_one_account(app):
    with app.app_context():
        ada = User.create(name="Ada", email="ada@example.org")
        bob = User.create(name="Bob", email="bob@example.org")
        _passkey(ada)
        with pytest.raises(IntegrityError), db.atomic():
            _passkey(bob)


def test_deleting_an_account_deletes_its_factors_and_passkeys(app):
    with app.app_context():
        for table in COLUMNS:
            (fk,) = db.get_foreign_keys(table)
            assert (fk.column, fk.dest_table, fk.dest_column) == ("user_id", "user", "id")
        ada = User.create(name="Ada", email="ada@example.org")
        _passkey(ada)
        TwoFactor.create(user=ada.id, secret="s")
        db.execute_sql('DELETE FROM "user" WHERE id = ?'.replace("?", db.param), (ada.id,))
        assert (Passkey.select().count(), TwoFactor.select().count()) == (0, 0)


def test_the_database_fills_passkey_defaults_for_rows_written_by_other_tools(app):
    with app.app_context():
        ada = User.create(name="Ada", email="ada@example.org")
        db.execute_sql(
            "INSERT INTO passkey (id, name, public_key, user_id, credential_id, counter, "
            "device_type, transports) VALUES ('p1', 'Key', 'pk', ?, 'c1', 0, 'x', '[]')".replace(
                "?", db.param
            ),
            (ada.id,),
        )
        row = Passkey.get_by_id("p1")
    assert row.backed_up is False and row.created_at is not None
