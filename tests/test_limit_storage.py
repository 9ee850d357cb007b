"""The memory:// rate-limit storage when a worker's threads race for it.

limits' memory storage sweeps expired counters with a short timer thread,
restarted by whichever request finds it finished. Two request threads that
found it finished at once both replaced it and then both started the same
one: ``RuntimeError: threads can only be started once``, a 500 on the form
being counted (a sign-in, once, in the soak under gunicorn's threads).
"""

import threading
import time

from limits.storage import storage_from_string

import flowpulse.web.ratelimit  # noqa: F401 (the limiter's storages, as the app has them)

#: Request threads of one worker finding the expiry timer finished at once.
THREADS = 8
KEY = "sign-in-per-ip/203.0.113.7"


def storage_slow_to_store_its_timer():
    """The storage ``memory://`` builds, pausing just after it stores a new expiry timer.

    The pause releases the interpreter to the other threads, as a busy worker
    does now and then; it holds open the moment between replacing the timer
    and starting it, so racing threads meet there every time instead of once
    in a few thousand requests.
    """

    class SlowToStoreItsTimer(type(storage_from_string("memory://"))):
        @property
        def timer(self) -> threading.Timer:
            return self.__dict__["timer"]

        @timer.setter
        def timer(self, timer: threading.Timer) -> None:
            self.__dict__["timer"] = timer
            time.sleep(0.01)

    return SlowToStoreItsTimer()


def test_threads_finding_the_expiry_timer_finished_at_once_each_count_their_hit():
    storage = storage_slow_to_store_its_timer()
    time.sleep(0.1)  # its first timer has run out
    barrier, errors = threading.Barrier(THREADS), []

    def hit() -> None:
        barrier.wait()
        try:
            storage.incr(KEY, 60)
        except Exception as exc:  # what the request would have answered 500 for
            errors.append(repr(exc))

    threads = [threading.Thread(target=hit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert storage.get(KEY) == THREADS
