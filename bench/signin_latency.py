"""Row 3: what one sign-in costs, next to the one Argon2id verification inside it.

Sign-ins are sequential full POST round trips to gunicorn (rate limiting
off, so the run is not throttled), known and unknown emails interleaved so
drift on the machine hits both alike. The bare verification is timed in this
process, in the same run. Werkzeug's default hash is timed once per run.
"""

import statistics
from pathlib import Path

from bench.databases import BenchDatabase
from bench.hashing import argon2_verify_seconds
from bench.report import Row, at_least, at_most, between, ratio_row
from bench.servers import GunicornServer
from bench.settings import BENCH_EMAIL, BENCH_PASSWORD, UNKNOWN_EMAIL, Settings
from bench.signin import time_sign_ins

#: A sign-in should cost little beyond its one Argon2id verification.
SIGNIN_VS_ARGON2 = at_most(1.5, "x")
#: An unknown email must not answer measurably faster or slower: timing must not tell who
#: has an account.
UNKNOWN_VS_KNOWN = between(0.8, 1.25, "x")
#: "Sign-in several times cheaper than Werkzeug's default hashing."
WERKZEUG_VS_SIGNIN = at_least(3, "x")

#: Unmeasured sign-ins of each kind first (connection, caches, first hash).
WARMUP_SIGNINS = 3


def measure(
    database: BenchDatabase, settings: Settings, folder: Path, werkzeug_seconds: float
) -> list[Row]:
    """Time sign-ins on one engine; return row 3's lines for it."""
    engine = database.engine
    pairs = WARMUP_SIGNINS + settings.signin_samples
    emails = [BENCH_EMAIL, UNKNOWN_EMAIL] * pairs
    expected = {BENCH_EMAIL: 303, UNKNOWN_EMAIL: 422}
    with GunicornServer(
        "flowpulse",
        database.url,
        folder,
        workers=settings.workers,
        threads=settings.threads,
        RATELIMIT_ENABLED="false",
    ) as server:
        seconds = time_sign_ins(server.url, BENCH_PASSWORD, emails, expected)
    argon2 = argon2_verify_seconds(BENCH_PASSWORD, settings.signin_samples)
    known = statistics.median(seconds[BENCH_EMAIL][WARMUP_SIGNINS:])
    unknown = statistics.median(seconds[UNKNOWN_EMAIL][WARMUP_SIGNINS:])
    return [
        Row("3 sign-in p50, POST /auth/login", engine, known, _ms(known)),
        Row("3 argon2 verify_password p50", engine, argon2, _ms(argon2)),
        ratio_row("3 sign-in vs argon2 verify", engine, known, argon2, SIGNIN_VS_ARGON2),
        Row("3 unknown-email sign-in p50", engine, unknown, _ms(unknown)),
        ratio_row("3 unknown vs known email", engine, unknown, known, UNKNOWN_VS_KNOWN),
        ratio_row(
            "3 Werkzeug verify vs sign-in", engine, werkzeug_seconds, known, WERKZEUG_VS_SIGNIN
        ),
    ]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
