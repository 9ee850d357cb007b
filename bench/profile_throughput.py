"""Rows 1 and 2: signed-in ``/profile`` against a stock Flask-Login app, and against ``/``.

Row 2 also prints two ratios without a target, to read its own against: the
stock app's ``/profile`` over FlowPulse's ``/`` (what the same page costs
without FlowPulse), and FlowPulse's ``/`` signed in over signed out (the
price of being signed in on one page: the session lookup, the CSRF token
and the account menu).

Both apps run at once under the same gunicorn settings on the same database
(only the one being loaded does any work); phases alternate between them,
``rounds`` times, and each keeps its best round, so neither a burst of other
work on the machine nor an unlucky spread of wrk's connections over the
workers (see ``Settings.rounds``) decides a ratio. Every phase first runs
``warmup`` seconds unmeasured.
"""

from pathlib import Path
from urllib.parse import urljoin

from bench.databases import BenchDatabase
from bench.load import LoadResult, run_load
from bench.report import Row, at_least, ratio_row
from bench.servers import GunicornServer
from bench.settings import BENCH_EMAIL, BENCH_PASSWORD, Settings
from bench.signin import sign_in, status_of

#: Row 1's target: FlowPulse's /profile at 90% of the stock app's throughput.
VS_STOCK = at_least(0.9, "x")
#: Row 2's target: /profile at 75% of the landing page's throughput.
VS_LANDING = at_least(0.75, "x")


def measure(database: BenchDatabase, settings: Settings, folder: Path) -> list[Row]:
    """Load both apps' /profile and FlowPulse's / in turns; return rows 1 and 2."""
    engine = database.engine
    servers = {"workers": settings.workers, "threads": settings.threads}
    with (
        GunicornServer("flowpulse", database.url, folder, **servers) as flowpulse,
        GunicornServer("stock", database.url, folder, **servers) as stock,
    ):
        cookie = _signed_in(flowpulse)
        targets = {
            "FlowPulse /profile": (flowpulse.url + "/profile", cookie),
            "stock Flask-Login /profile": (stock.url + "/profile", _signed_in(stock)),
            "FlowPulse / (signed out)": (flowpulse.url + "/", None),
            "FlowPulse / (signed in)": (flowpulse.url + "/", cookie),
        }
        best: dict[str, LoadResult] = {}
        for _ in range(settings.rounds):
            for name, (url, cookie) in targets.items():
                result = _phase(name, url, cookie, settings)
                if name not in best or result.rps > best[name].rps:
                    best[name] = result

    profile = best["FlowPulse /profile"]
    baseline = best["stock Flask-Login /profile"]
    landing = best["FlowPulse / (signed out)"]
    landing_signed_in = best["FlowPulse / (signed in)"]
    return [
        Row("1 /profile, FlowPulse", engine, profile.rps, _summary(profile)),
        Row("1 /profile, stock Flask-Login", engine, baseline.rps, _summary(baseline)),
        ratio_row("1 /profile FlowPulse vs stock", engine, profile.rps, baseline.rps, VS_STOCK),
        Row("2 / signed out, FlowPulse", engine, landing.rps, _summary(landing)),
        ratio_row("2 /profile vs /, FlowPulse", engine, profile.rps, landing.rps, VS_LANDING),
        ratio_row("2 stock /profile vs FlowPulse /", engine, baseline.rps, landing.rps),
        Row("2 / signed in, FlowPulse", engine, landing_signed_in.rps, _summary(landing_signed_in)),
        ratio_row("2 / signed in vs signed out", engine, landing_signed_in.rps, landing.rps),
    ]


def _signed_in(server: GunicornServer) -> str:
    """Sign in through the app's own login form; return the Cookie header."""
    login_path = "/auth/login" if server.app == "flowpulse" else "/login"
    return sign_in(server.url, login_path, "/profile", BENCH_EMAIL, BENCH_PASSWORD)


def _phase(name: str, url: str, cookie: str | None, settings: Settings) -> LoadResult:
    """Warm up, measure, and check that every answer was a signed-in 200."""
    load = {"cookie": cookie, "connections": settings.connections, "tool": settings.load_tool}
    run_load(url, duration=settings.warmup, **load)
    result = run_load(url, duration=settings.duration, **load)
    check_answers(name, url, cookie, result)
    return result


def check_answers(name: str, url: str, cookie: str | None, result: LoadResult) -> None:
    """Refuse numbers from a phase that got errors, or whose cookie no longer signs in."""
    if result.errors or result.non_2xx:
        raise RuntimeError(f"{name}: {result.errors} errors, {result.non_2xx} non-2xx answers")
    # wrk counts only 4xx/5xx as errors: a signed-out 303 would pass unseen.
    # /profile answers 303 to a stranger, so asking it shows the cookie
    # still signs in even for a phase that loaded a public page with it.
    check = url if cookie is None else urljoin(url, "/profile")
    status = status_of(check, cookie)
    if status != 200:
        raise RuntimeError(f"{name}: {check} answers {status} after the load (signed out?)")


def _summary(result: LoadResult) -> str:
    return f"{result.summary()} · {result.bytes_per_response / 1000:.1f} kB"
