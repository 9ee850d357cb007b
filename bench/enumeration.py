"""Row 7: answers that must not tell who has an account, timed against a slow mail server.

A real SMTP server that takes 200 ms per message stands in for a busy one.
Forgot-password and the signed-out "send a new link" are posted a few
hundred times, a registered address and an unknown one interleaved; their
medians and a rank statistic (AUC: the chance that a registered address's
answer is slower than an unknown one's, 0.5 when nothing tells them apart)
show whether timing reveals the account. Sign-up's median with that slow
server is compared with a quick one: no page waits on SMTP.
"""

import asyncio
import statistics
from pathlib import Path

from aiosmtpd.controller import Controller

from bench.databases import BenchDatabase
from bench.report import Row, at_most, between, ratio_row
from bench.seed import add_user
from bench.servers import GunicornServer, free_port
from bench.settings import BENCH_EMAIL, BENCH_PASSWORD, UNKNOWN_EMAIL, Settings
from bench.signin import time_form_posts
from flowpulse.core.passwords import hash_password

#: Seconds the slow mail server takes to accept each message.
SLOW_SMTP_SECONDS = 0.2
#: An unverified account, for the signed-out resend.
WAITING_EMAIL = "waiting@example.com"

#: Registered vs unknown: medians within 10%, ranks telling nothing.
MEDIANS = between(0.9, 1.1, "x")
AUC = between(0.4, 0.6)
#: Sign-up with a slow mail server vs a quick one.
SLOW_SMTP_SIGNUP = at_most(1.2, "x")


class _Slow:
    """An SMTP handler that takes its time over every message (and keeps none)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.seconds)
        return "250 Message accepted for delivery"


def measure(database: BenchDatabase, settings: Settings, folder: Path) -> list[Row]:
    """Time the two enumeration-sensitive forms and sign-up; return row 7's lines."""
    engine = database.engine
    add_user(database, WAITING_EMAIL, hash_password(BENCH_PASSWORD), verified=False)
    samples = settings.enumeration_samples
    rows = []
    with _smtp(SLOW_SMTP_SECONDS) as slow_port, _smtp(0) as quick_port:
        with _server(database, folder, settings, slow_port) as slow:
            for label, path, action, known in (
                ("forgot-password", "/auth/forgot-password", "/auth/forgot-password", BENCH_EMAIL),
                ("signed-out resend", "/auth/login", "/verify/resend", WAITING_EMAIL),
            ):
                rows += _compare(engine, label, slow.url, path, action, known, samples)
            slow_signup = _sign_ups(slow.url, "slow", settings.signin_samples)
        with _server(database, folder, settings, quick_port) as quick:
            quick_signup = _sign_ups(quick.url, "quick", settings.signin_samples)
    rows += [
        Row("7 sign-up p50, 200 ms SMTP", engine, slow_signup, _ms(slow_signup)),
        Row("7 sign-up p50, quick SMTP", engine, quick_signup, _ms(quick_signup)),
        ratio_row(
            "7 sign-up, slow vs quick SMTP", engine, slow_signup, quick_signup, SLOW_SMTP_SIGNUP
        ),
    ]
    return rows


def _compare(engine, label, url, path, action, known, samples) -> list[Row]:
    emails = [known, UNKNOWN_EMAIL] * samples
    seconds = time_form_posts(url, path, action, [{"email": e} for e in emails], expected=303)
    registered, unknown = seconds[0::2], seconds[1::2]
    medians = (statistics.median(registered), statistics.median(unknown))
    area = auc(registered, unknown)
    return [
        Row(f"7 {label}: registered p50", engine, medians[0], _ms(medians[0])),
        Row(f"7 {label}: unknown p50", engine, medians[1], _ms(medians[1])),
        ratio_row(f"7 {label}: registered vs unknown", engine, *medians, MEDIANS),
        Row(f"7 {label}: AUC", engine, area, f"{area:.3f}", target=AUC),
    ]


def auc(first: list[float], second: list[float]) -> float:
    """P(a sample of ``first`` exceeds one of ``second``), ties counting half (Mann-Whitney)."""
    ranked = sorted([(value, 0) for value in first] + [(value, 1) for value in second])
    ranks: dict[int, list[float]] = {0: [], 1: []}
    index = 0
    while index < len(ranked):
        end = index
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[index][0]:
            end += 1
        for position in range(index, end + 1):
            ranks[ranked[position][1]].append((index + end) / 2 + 1)
        index = end + 1
    n1, n2 = len(first), len(second)
    u = sum(ranks[0]) - n1 * (n1 + 1) / 2
    return u / (n1 * n2)


def _sign_ups(url: str, label: str, count: int) -> float:
    forms = [
        {"name": "Bench Person", "email": f"{label}{n}@example.com", "password": BENCH_PASSWORD}
        for n in range(count)
    ]
    return statistics.median(time_form_posts(url, "/auth/signup", "/auth/signup", forms, 303))


class _smtp:
    """A loopback SMTP server for the run, taking ``seconds`` per message."""

    def __init__(self, seconds: float):
        self.port = free_port()
        self._controller = Controller(_Slow(seconds), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> int:
        self._controller.start()
        return self.port

    def __exit__(self, *exc_info) -> None:
        self._controller.stop()


def _server(database, folder: Path, settings: Settings, smtp_port: int) -> GunicornServer:
    return GunicornServer(
        "flowpulse",
        database.url,
        folder,
        workers=settings.workers,
        threads=settings.threads,
        RATELIMIT_ENABLED="false",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        TASK_QUEUE_URL=f"sqlite:///{folder / f'tasks-{smtp_port}.db'}",
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
