"""Password verification timed in this process: FlowPulse's Argon2id and Werkzeug's default."""

import statistics
import time
from collections.abc import Callable

from werkzeug.security import check_password_hash, generate_password_hash

from flowpulse.core.passwords import hash_password, verify_password


def median_seconds(call: Callable[[], object], samples: int) -> float:
    """Run ``call`` once to warm up, then ``samples`` times; return the median."""
    call()
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def argon2_verify_seconds(password: str, samples: int) -> float:
    """Median time of one ``flowpulse.passwords.verify_password`` that succeeds."""
    stored = hash_password(password)
    return median_seconds(lambda: verify_password(stored, password), samples)


def werkzeug_verify_seconds(password: str, samples: int) -> tuple[str, float]:
    """Return Werkzeug's default method and the median time of one ``check_password_hash``."""
    stored = generate_password_hash(password)
    method = stored.split("$", 1)[0]
    return method, median_seconds(lambda: check_password_hash(stored, password), samples)
