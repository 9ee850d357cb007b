"""Row 4: ``/profile`` latency with 1,000 users versus ``--scale-users`` users and sessions.

Two private PostgreSQL schemas, a small one and a large one, are seeded with
bulk inserts (then ANALYZE) and served side by side; load phases alternate
between them ``rounds`` times and each keeps its best p99, so noise on the
machine does not decide the ratio. The load is lighter than row 1's (about
one connection per core): at saturation a p99 measures the queue, not the
lookup whose cost the table size could change.
"""

from pathlib import Path

from bench.databases import BenchDatabase
from bench.load import LoadResult, run_load
from bench.report import Row, at_most, ratio_row
from bench.seed import add_sessions, add_user, add_users, analyze, in_days
from bench.servers import GunicornServer
from bench.settings import BENCH_EMAIL, BENCH_PASSWORD, Settings
from bench.signin import sign_in, status_of
from flowpulse.core.passwords import hash_password

#: The small database: this many users (the signed-in one included), one session each.
SMALL_USERS = 1_000

#: A million rows may cost the lookup at most 30% at the tail.
LARGE_VS_SMALL_P99 = at_most(1.3, "x")


def measure(
    small: BenchDatabase, large: BenchDatabase, settings: Settings, folder: Path
) -> list[Row]:
    """Seed both databases, load /profile on each in turns; return row 4's lines."""
    sizes = {"small": SMALL_USERS, "large": settings.scale_users}
    password_hash = hash_password(BENCH_PASSWORD)
    for database, users in ((small, sizes["small"]), (large, sizes["large"])):
        add_user(database, BENCH_EMAIL, password_hash)
        add_users(database, 1, users - 1, password_hash)
        # One live session per seeded user (user i+1 owns session i).
        add_sessions(database, 1, users - 1, users=users - 1, expires_at=in_days(7))
        analyze(database)

    servers = {"workers": settings.workers, "threads": settings.threads}
    best: dict[str, LoadResult] = {}
    with (
        GunicornServer("flowpulse", small.url, folder, **servers) as small_server,
        GunicornServer("flowpulse", large.url, folder, **servers) as large_server,
    ):
        targets = {"small": _signed_in(small_server), "large": _signed_in(large_server)}
        for _ in range(settings.rounds):
            for size, (url, cookie) in targets.items():
                result = _load(url, cookie, settings)
                if size not in best or result.p99_ms < best[size].p99_ms:
                    best[size] = result

    engine = small.engine
    return [
        Row(
            f"4 /profile, {sizes['small']:,} users",
            engine,
            best["small"].p99_ms,
            _shown(best["small"]),
        ),
        Row(
            f"4 /profile, {sizes['large']:,} users+sessions",
            engine,
            best["large"].p99_ms,
            _shown(best["large"]),
        ),
        ratio_row(
            "4 p99 large vs small",
            engine,
            best["large"].p99_ms,
            best["small"].p99_ms,
            LARGE_VS_SMALL_P99,
        ),
    ]


def _signed_in(server: GunicornServer) -> tuple[str, str]:
    cookie = sign_in(server.url, "/auth/login", "/profile", BENCH_EMAIL, BENCH_PASSWORD)
    return server.url + "/profile", cookie


def _load(url: str, cookie: str, settings: Settings) -> LoadResult:
    """Warm up, then measure /profile; refuse a phase with errors or a lost sign-in."""
    load = {"cookie": cookie, "connections": settings.scale_connections, "tool": settings.load_tool}
    run_load(url, duration=settings.warmup, **load)
    result = run_load(url, duration=settings.duration, **load)
    if result.errors or result.non_2xx or status_of(url, cookie) != 200:
        raise RuntimeError(f"{url}: {result.errors} errors or no longer signed in")
    return result


def _shown(result: LoadResult) -> str:
    return f"p99 {result.p99_ms:.1f} ms · p50 {result.p50_ms:.1f} ms · {result.rps:,.0f} req/s"
