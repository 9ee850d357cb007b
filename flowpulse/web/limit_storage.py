"""The ``memory://`` rate-limit storage, safe when a worker's threads race for it.

limits' ``MemoryStorage`` sweeps expired counters with a short-lived timer
thread that every counting call restarts when it finds it finished, by
check-then-start without a lock. Two request threads that find it finished at
once both replace it, then both start the same one, and the second gets
``RuntimeError: threads can only be started once``: a 500 on the form being
counted (a sign-in in the soak, under gunicorn's threads). Defining this
class registers it for ``memory://`` in limits' storage registry (the last
class to name a scheme serves it), so every limiter built from that URI,
Flask-Limiter's included, gets the lock.
"""

import threading

from limits.storage import MemoryStorage

if not hasattr(MemoryStorage, "_MemoryStorage__schedule_expiry"):  # pragma: no cover
    # The override below would silently do nothing: fail loudly instead.
    raise RuntimeError("limits' MemoryStorage changed: review flowpulse/web/limit_storage.py")

#: One restart of a sweep timer at a time (held for a check and, rarely, a thread start).
_RESTART = threading.Lock()


class ThreadSafeMemoryStorage(MemoryStorage):
    """limits' memory storage, with its sweep timer restarted under a lock."""

    STORAGE_SCHEME = ["memory"]

    def _MemoryStorage__schedule_expiry(self) -> None:  # the private method every count calls
        with _RESTART:
            if not self.timer.is_alive():
                self.timer = threading.Timer(0.01, self._MemoryStorage__expire_events)
                self.timer.start()
