"""Building the Huey queue a ``TASK_QUEUE_URL`` names."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey


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
        return RedisHuey(name, url=url, results=False)
    if parsed.scheme == "memory":
        return MemoryHuey(name, results=False)
    raise UnsupportedQueueURL(
        f"TASK_QUEUE_URL must start with sqlite:///, redis:// or memory://, not {parsed.scheme!r}"
    )
