"""The SQLite connection settings that keep several workers safe."""

import pytest

from flowpulse.database import SQLITE_BUSY_TIMEOUT, db


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_every_sqlite_connection_enforces_foreign_keys_in_wal_mode(app, engine):
    with app.app_context():
        for _ in range(2):  # the first connection and a later one
            assert db.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
            assert db.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
            assert db.execute_sql("PRAGMA busy_timeout").fetchone() == (SQLITE_BUSY_TIMEOUT * 1000,)
            db.close()
