"""The migrated schema holds exactly the seed's four tables, on every engine."""

import pytest
from peewee import IntegrityError

from flowpulse.core.clock import utcnow
from flowpulse.core.database import db
from flowpulse.core.models import Account, Session, User, Verification
from tests.conftest import ALL_TABLES

#: column -> (seed type, nullable), in the seed's order.
SEED_COLUMNS = {
    "user": {
        "id": ("text", False),
        "name": ("text", False),
        "email": ("text", False),
        "email_verified": ("boolean", False),
        "image": ("text", True),
        "created_at": ("timestamp", False),
        "updated_at": ("timestamp", False),
    },
    "session": {
        "id": ("text", False),
        "expires_at": ("timestamp", False),
        "token": ("text", False),
        "created_at": ("timestamp", False),
        "updated_at": ("timestamp", False),
        "ip_address": ("text", True),
        "user_agent": ("text", True),
        "user_id": ("text", False),
    },
    "account": {
        "id": ("text", False),
        "account_id": ("text", False),
        "provider_id": ("text", False),
        "user_id": ("text", False),
        "access_token": ("text", True),
        "refresh_token": ("text", True),
        "id_token": ("text", True),
        "access_token_expires_at": ("timestamp", True),
        "refresh_token_expires_at": ("timestamp", True),
        "scope": ("text", True),
        "password": ("text", True),
        "created_at": ("timestamp", False),
        "updated_at": ("timestamp", False),
    },
    "verification": {
        "id": ("text", False),
        "identifier": ("text", False),
        "value": ("text", False),
        "expires_at": ("timestamp", False),
        "created_at": ("timestamp", False),
        "updated_at": ("timestamp", False),
    },
}

#: Columns whose default lives in the database (defaultNow() / default(false)).
SEED_DEFAULTS = {
    ("user", "email_verified"): "false",
    ("user", "created_at"): "now",
    ("user", "updated_at"): "now",
    ("session", "created_at"): "now",
    ("account", "created_at"): "now",
    ("verification", "created_at"): "now",
    ("verification", "updated_at"): "now",
}

#: The engine's spelling of each seed type.
TYPE_NAMES = {
    "sqlite": {"text": "TEXT", "boolean": "INTEGER", "timestamp": "DATETIME"},
    "postgresql": {
        "text": "text",
        "boolean": "boolean",
        "timestamp": "timestamp without time zone",
    },
}


def _column_defaults(engine, table):
    """Return {column: default expression or None} as the database reports it."""
    if engine == "sqlite":
        rows = db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()
        return {row[1]: row[4] for row in rows}
    rows = db.execute_sql(
        "SELECT column_name, column_default FROM information_schema.columns "
        "WHERE table_name = %s AND table_schema = current_schema()",
        (table,),
    ).fetchall()
    return dict(rows)


@pytest.mark.parametrize("table", SEED_COLUMNS)
def test_columns_have_the_seed_names_types_and_nullability(app, engine, table):
    with app.app_context():
        columns = db.get_columns(table)
    expected = [
        (name, TYPE_NAMES[engine][kind], nullable)
        for name, (kind, nullable) in SEED_COLUMNS[table].items()
    ]
    actual = [(c.name, c.data_type, c.null) for c in columns]
    assert sorted(actual) == sorted(expected)


@pytest.mark.parametrize("table", SEED_COLUMNS)
def test_only_the_seed_columns_have_database_defaults(app, engine, table):
    with app.app_context():
        defaults = _column_defaults(engine, table)
    for column, default in defaults.items():
        kind = SEED_DEFAULTS.get((table, column))
        if kind is None:
            assert default is None, f"{table}.{column} has an unexpected default {default}"
        elif kind == "false":
            assert default.lower() in ("false", "0"), default
        else:
            assert "now" in default.lower() or "current_timestamp" in default.lower(), default


def test_the_database_fills_defaults_for_rows_written_by_other_tools(app):
    with app.app_context():
        db.execute_sql("""INSERT INTO "user" (id, name, email) VALUES ('u1', 'Ada', 'ada@x.org')""")
        row = User.get_by_id("u1")
    assert row.email_verified is False
    assert abs((utcnow() - row.created_at).total_seconds()) < 120  # stored as UTC
    assert row.updated_at is not None


def test_the_three_named_indexes_exist(app):
    with app.app_context():
        names = {
            table: {index.name: index.columns for index in db.get_indexes(table)}
            for table in ("session", "account", "verification")
        }
    assert names["session"]["session_userId_idx"] == ["user_id"]
    assert names["account"]["account_userId_idx"] == ["user_id"]
    assert names["verification"]["verification_identifier_idx"] == ["identifier"]
    # No second, automatically named index duplicates the seed's.
    assert "session_user_id" not in names["session"]
    assert "account_user_id" not in names["account"]


def test_no_stray_tables_exist(app):
    # The seed's four, and the tables features added by their own migrations.
    with app.app_context():
        tables = set(db.get_tables()) - {"migratehistory"}
    assert tables == ALL_TABLES


@pytest.mark.parametrize(
    ("model", "column"),
    [(User, "email"), (Session, "token")],
)
def test_unique_columns_refuse_duplicates(app, model, column):
    with app.app_context():
        user = User.create(name="Ada", email="ada@example.org")
        values = {
            User: lambda: dict(name="Other", email="ada@example.org"),
            Session: lambda: dict(token="t", user=user, expires_at=utcnow()),
        }[model]
        if model is Session:
            Session.create(**values())
        with pytest.raises(IntegrityError), db.atomic():
            model.create(**values())


def test_foreign_keys_cascade_on_delete(app):
    with app.app_context():
        for table in ("session", "account"):
            (fk,) = db.get_foreign_keys(table)
            assert (fk.column, fk.dest_table, fk.dest_column) == ("user_id", "user", "id")
        user = User.create(name="Ada", email="ada@example.org")
        Session.create(token="t", user=user, expires_at=utcnow())
        Account.create(account_id=user.id, provider_id="credential", user=user)
        Verification.create(identifier="ada@example.org", value="v", expires_at=utcnow())
        db.execute_sql('DELETE FROM "user" WHERE id = ?'.replace("?", db.param), (user.id,))
        assert Session.select().count() == 0
        assert Account.select().count() == 0
        # Verification rows are keyed by identifier, not a foreign key.
        assert Verification.select().count() == 1


def test_a_freshly_migrated_database_holds_no_accounts(app):
    # No default or demo account exists (ASVS 6.3.2): the first is made by
    # an operator with `flask users create`.
    with app.app_context():
        assert (User.select().count(), Account.select().count()) == (0, 0)
