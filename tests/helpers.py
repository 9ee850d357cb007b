"""Small test helpers shared by several test modules."""

import logging
from contextlib import contextmanager


class _QueryCounter(logging.Handler):
    """Collect the SQL statements peewee logs at DEBUG level."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        sql, _params = record.msg if isinstance(record.msg, tuple) else (record.msg, None)
        self.statements.append(str(sql))


@contextmanager
def count_queries():
    """Yield a list that fills with every SQL statement run inside the block."""
    logger = logging.getLogger("peewee")
    handler = _QueryCounter()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
