"""Building the Huey queue a ``TASK_QUEUE_URL`` names.

Every storage honours task priority (link mail goes before notices): SQLite
and memory natively, Redis as a sorted set (``PriorityRedisHuey``, Redis 5
or later).
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from huey import Huey, MemoryHuey, PriorityRedisHuey, SqliteHuey
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: Renames the queue aside if it is still the plain list an earlier FlowPulse
#: kept (its tasks then move into the sorted set); atomic, so of several
#: processes starting at once exactly one moves them.
_SET_ASIDE_LIST_QUEUE = """
if redis.call('type', KEYS[1]).ok == 'list' then
    redis.call('rename', KEYS[1], KEYS[2])
    return 1
end
return 0
"""


class UnsupportedQueueURL(ValueError):
    """The URL names a queue storage FlowPulse does not run on."""


def build_queue(url: str, *, name: str) -> Huey:
    """Return a Huey queue on ``sqlite:///path``, ``redis://…`` or ``memory://``.

    Results are not stored: a job's outcome is recorded where it matters (the
    outbox row of a message), so the queue holds only work still to do.
    ``memory://`` keeps the queue in this process (tests and experiments).
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else parsed.path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=path, results=False)
    if parsed.scheme in ("redis", "rediss"):
        huey = PriorityRedisHuey(name, url=url, results=False)
        adopt_list_queue(huey)
        return huey
    if parsed.scheme == "memory":
        return MemoryHuey(name, results=False)
    raise UnsupportedQueueURL(
        f"TASK_QUEUE_URL must start with sqlite:///, redis:// or memory://, not {parsed.scheme!r}"
    )


def adopt_list_queue(huey: PriorityRedisHuey) -> int:
    """Move the tasks of a plain Redis list queue of this name into this one; return how many."""
    storage = huey.storage
    aside = f"{storage.queue_key}.list"
    try:
        storage.conn.eval(_SET_ASIDE_LIST_QUEUE, 2, storage.queue_key, aside)
        moved = 0
        # The list was filled with LPUSH, so RPOP gives the oldest first.
        while (data := storage.conn.rpop(aside)) is not None:
            storage.enqueue(data)
            moved += 1
    except RedisError as exc:
        # Redis is down now: the workers' sweep finds every message anyway.
        log.warning("task queue %s: could not check for a list queue: %s", storage.name, exc)
        return 0
    if moved:
        log.info(
            "task queue %s: %d waiting task(s) moved to the priority queue", storage.name, moved
        )
    return moved
