"""``flask db``: migrate, rollback, status, generate, push through the CLI runner."""

import shutil

import pytest
from peewee import IntegrityError

from flowpulse.core.database import db
from flowpulse.core.migrations import MIGRATIONS_DIR
from flowpulse.core.models import Account, User
from flowpulse.core.models.seed import PROVIDER_IDENTITY_INDEX
from tests.conftest import ALL_TABLES, SEED_TABLES, make_app

#: The checked-in migrations, in the order they apply.
MIGRATIONS = sorted(path.stem for path in MIGRATIONS_DIR.glob("0*.py"))


def _tables(app):
    with app.app_context():
        tables = set(db.get_tables()) - {"migratehistory"}
        db.close()
    return tables


def test_migrate_is_idempotent(runner):
    result = runner.invoke(args=["db", "migrate"])
    assert result.exit_code == 0
    assert "up to date" in result.output


def test_status_lists_applied_migrations(runner):
    result = runner.invoke(args=["db", "status"])
    assert result.exit_code == 0
    for name in MIGRATIONS:
        assert f"[applied] {name}" in result.output
    assert f"{len(MIGRATIONS)} applied, 0 pending." in result.output


def _account_indexes(app) -> dict:
    with app.app_context():
        indexes = {index.name: (index.columns, index.unique) for index in db.get_indexes("account")}
        db.close()
    return indexes


def _steps_back(migration: str) -> str:
    """How many migrations ``flask db rollback --count`` undoes to undo ``migration``."""
    return str(len(MIGRATIONS) - MIGRATIONS.index(migration))


#: The tables each feature migration adds (rolling one back undoes the later ones first).
FEATURE_TABLES = {
    "004_two_factor": {"two_factor"},
    "005_passkey": {"passkey"},
    "006_pending_sign_in": {"pending_sign_in"},
    "007_account_issuer": {"account_issuer"},
}


@pytest.mark.parametrize("migration", sorted(FEATURE_TABLES))
def test_rolling_back_a_feature_migration_drops_its_tables_and_nothing_else(
    app, runner, make_user, migration
):
    make_user("ada@example.com")
    result = runner.invoke(args=["db", "rollback", "--count", _steps_back(migration)])
    assert result.exit_code == 0, result.output
    dropped = set().union(*(FEATURE_TABLES[name] for name in FEATURE_TABLES if name >= migration))
    assert _tables(app) == ALL_TABLES - dropped
    with app.app_context():
        assert (User.select().count(), Account.select().count()) == (1, 1)
        db.close()
    assert f"Applied: {migration}" in runner.invoke(args=["db", "migrate"]).output
    assert _tables(app) == ALL_TABLES


def test_rolling_back_the_provider_index_migration_drops_only_the_index(app, runner, make_user):
    make_user("ada@example.com")
    unique = (["provider_id", "account_id"], True)
    assert _account_indexes(app)[PROVIDER_IDENTITY_INDEX] == unique

    steps = _steps_back("003_account_provider_unique")
    result = runner.invoke(args=["db", "rollback", "--count", steps])
    assert result.exit_code == 0, result.output
    assert "003_account_provider_unique" in result.output
    # Only the unique index went: the seed's tables, and every row, are still there.
    assert SEED_TABLES | {"mail_message"} == _tables(app)
    assert PROVIDER_IDENTITY_INDEX not in _account_indexes(app)
    assert _account_indexes(app)["account_userId_idx"] == (["user_id"], False)
    with app.app_context():
        assert (User.select().count(), Account.select().count()) == (1, 1)
        db.close()

    result = runner.invoke(args=["db", "migrate"])
    assert "003_account_provider_unique" in result.output, result.output
    assert _account_indexes(app)[PROVIDER_IDENTITY_INDEX] == unique


def test_rolling_back_the_outbox_migration_leaves_the_seed_tables_untouched(app, runner):
    steps = _steps_back("002_mail_message")
    result = runner.invoke(args=["db", "rollback", "--count", steps])
    assert result.exit_code == 0, result.output
    assert "002_mail_message" in result.output
    assert _tables(app) == SEED_TABLES


def test_the_unique_index_refuses_one_identity_for_two_users(app, make_user):
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    with app.app_context():
        Account.create(user=ada.id, provider_id="google", account_id="sub-1")
        with pytest.raises(IntegrityError), db.atomic():
            Account.create(user=bob.id, provider_id="google", account_id="sub-1")
        # The same subject at another provider is another identity.
        Account.create(user=bob.id, provider_id="gitlab", account_id="sub-1")
        db.close()


def test_migrate_rollback_migrate_round_trip(app, runner):
    result = runner.invoke(args=["db", "rollback", "--count", str(len(MIGRATIONS))])
    assert result.exit_code == 0, result.output
    assert all(name in result.output for name in MIGRATIONS)
    assert _tables(app) == set()
    assert "[pending] 001_initial" in runner.invoke(args=["db", "status"]).output

    result = runner.invoke(args=["db", "migrate"])
    assert result.exit_code == 0
    assert "Applied: " + ", ".join(MIGRATIONS) in result.output
    assert _tables(app) == ALL_TABLES


def test_rollback_with_nothing_applied_fails_with_one_line(app, runner):
    runner.invoke(args=["db", "rollback", "--count", str(len(MIGRATIONS))])
    result = runner.invoke(args=["db", "rollback", "--count", "2"])
    assert result.exit_code != 0
    assert "no applied migration" in result.output
    assert "Traceback" not in result.output


def test_generate_right_after_the_checked_in_migrations_finds_no_changes(app, runner, tmp_path):
    workdir = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, workdir)
    app.config["MIGRATIONS_DIR"] = str(workdir)
    result = runner.invoke(args=["db", "generate", "check"])
    assert result.exit_code == 0, result.output
    assert "No changes" in result.output
    assert sorted(p.stem for p in workdir.glob("0*.py")) == MIGRATIONS


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_push_creates_the_tables_on_an_empty_database(tmp_path, engine):
    app = make_app(f"sqlite:///{tmp_path / 'pushed.db'}")
    result = app.test_cli_runner().invoke(args=["db", "push"])
    assert result.exit_code == 0, result.output
    assert _tables(app) == ALL_TABLES
    again = app.test_cli_runner().invoke(args=["db", "push"])
    assert "All tables exist." in again.output


def test_commands_report_an_unreachable_database_in_one_line():
    app = make_app("postgresql://postgres@127.0.0.1:1/nowhere")
    result = app.test_cli_runner().invoke(args=["db", "migrate"])
    assert result.exit_code != 0
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
