"""Small test helpers shared by several test modules."""

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from html import unescape
from typing import TypeVar

T = TypeVar("T")


class _QueryCounter(logging.Handler):
    """Collect the SQL statements peewee logs at DEBUG level."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != "peewee":
            return  # e.g. peewee.pool's "Returning ... to pool.", which is no SQL
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


def field_error(response, field: str) -> str:
    """Return the error text shown next to a form field ('' when there is none)."""
    html = response.get_data(as_text=True)
    match = re.search(rf'id="{re.escape(field)}-error"[^>]*>(.*?)</div>', html, re.S)
    return _visible_text(match.group(1)) if match else ""


def flashed_messages(response) -> list[str]:
    """Return the flash messages a page shows, in order."""
    html = response.get_data(as_text=True)
    found = re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</', html, re.S)
    return [_visible_text(message) for message in found]


def _visible_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def run_at_once(*calls: Callable[[], T]) -> list[T]:
    """Run each call in its own thread, released together; return their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=60) for future in futures]
