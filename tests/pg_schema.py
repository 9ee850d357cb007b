"""A private PostgreSQL schema: created, handed out as a URL, dropped afterwards."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg2


@contextmanager
def private_schema(server_url: str) -> Iterator[str]:
    """Create a fresh schema on ``server_url``; yield a URL whose connections use it."""
    schema = f"flowpulse_test_{secrets.token_hex(4)}"
    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{separator}options={quote(f'-c search_path={schema}')}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
        connection.close()
