"""The example product's first migration: its workspace table."""


def migrate(migrator, database, fake=False, **kwargs):
    """Create the workspace table, owned by a FlowPulse user."""
    migrator.sql(
        """
        CREATE TABLE workspace (
            id TEXT PRIMARY KEY,
            owner_id TEXT NOT NULL UNIQUE REFERENCES "user" (id) ON DELETE CASCADE,
            name TEXT NOT NULL
        )
        """
    )


def rollback(migrator, database, fake=False, **kwargs):
    """Drop the workspace table."""
    migrator.sql("DROP TABLE workspace")
