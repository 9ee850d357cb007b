"""Schema migrations with peewee-migrate: apply, roll back, inspect, generate."""

import logging
from pathlib import Path

from flask import current_app
from peewee_migrate import Router

from flowpulse.core.database import db
from flowpulse.core.models import MODELS

#: The checked-in migrations, in `migrations/` beside the package.
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

log = logging.getLogger(__name__)


class NothingToRollBack(RuntimeError):
    """No applied migration is left to undo."""


def _router() -> Router:
    """Return a router over the app's database and migrations folder.

    peewee-migrate defaults ``migrate_dir`` to the working directory at import
    time, so the folder is always passed explicitly.
    """
    migrate_dir = Path(current_app.config.get("MIGRATIONS_DIR", MIGRATIONS_DIR))
    return Router(db.obj, migrate_dir=migrate_dir, logger=log)


def apply_pending() -> list[str]:
    """Apply every pending migration, in order; return the names applied."""
    return _router().run()


def roll_back(count: int = 1) -> list[str]:
    """Undo the last ``count`` applied migrations; return their names."""
    router = _router()
    undone = []
    for _ in range(count):
        done = router.done
        if not done:
            if undone:
                break
            raise NothingToRollBack("there is no applied migration to roll back")
        router.rollback()
        undone.append(done[-1])
    return undone


def status() -> tuple[list[str], list[str]]:
    """Return the applied and the pending migration names."""
    router = _router()
    return router.done, router.diff


def generate(name: str) -> str | None:
    """Write a migration for model changes; ``None`` when nothing changed."""
    return _router().create(name, auto=list(MODELS))


def push() -> list[str]:
    """Create missing tables straight from the models (dev/test shortcut)."""
    existing = set(db.get_tables())
    db.create_tables(MODELS, safe=True)
    return [model._meta.table_name for model in MODELS if model._meta.table_name not in existing]
