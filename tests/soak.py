"""Load and soak: simulated people against ``make serve``'s server + PostgreSQL, then an audit.

Each person signs up, reads the verification email from a real SMTP server,
verifies, and then, until time runs out, signs in and out on two devices,
changes the password (signing the other device out) and ends other sessions,
keeping a ledger of what they believe is true. At the end the database must
hold exactly that: one verified user per person, the final password working,
and precisely the sessions the people think they still have. No answer may
be a 5xx. Loopback only; bounded in people and time; stops by itself.

Short mode runs in the suite (tests/test_soak.py). Long mode, by hand::

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m tests.soak --people 300 --minutes 5
"""

import argparse
import logging
import os
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.live_server import HttpBrowser, LiveServer
from tests.mailbox import SMTPServer

REVOKE_OTHERS = "/profile/sessions/revoke-others"
WORDS = [
    "amber",
    "canyon",
    "dune",
    "ember",
    "fjord",
    "glacier",
    "harbor",
    "iris",
    "juniper",
    "kelp",
    "lagoon",
    "meadow",
]


@dataclass
class Ledger:
    """What one simulated person believes about their account."""

    email: str
    password: str
    signed_up: bool = False
    verified: bool = False
    devices: dict[str, HttpBrowser] = field(default_factory=dict)


@dataclass
class Tally:
    """Every status seen, and every answer that was not what a person expected."""

    statuses: Counter = field(default_factory=Counter)
    surprises: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, status: int, expected: set[int], step: str) -> bool:
        with self.lock:
            self.statuses[status] += 1
            if status not in expected:
                self.surprises.append(f"{step}: {status} (expected {sorted(expected)})")
        return status in expected


class Person:
    """One simulated person with their own IP address and two devices."""

    def __init__(self, number: int, base_url: str, mailbox, tally: Tally, rng: random.Random):
        self.ledger = Ledger(f"person{number}.{secrets.token_hex(3)}@soak.example", _password(rng))
        self.base_url, self.mailbox, self.tally, self.rng = base_url, mailbox, tally, rng
        # Each person comes from their own address, as behind a real proxy.
        self.ip = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        self.actions = 0

    def device(self) -> HttpBrowser:
        return HttpBrowser(self.base_url, headers={"X-Forwarded-For": self.ip})

    def run(self, deadline: float, min_actions: int) -> None:
        """Sign up, then act until time is up, but at least ``min_actions`` times."""
        if not self.sign_up_and_verify():
            return
        actions = 0
        while actions < min_actions or time.monotonic() < deadline:
            self.rng.choice([self.sign_in_and_out, self.change_password, self.end_other_sessions])()
            actions += 1
        self.actions = actions

    def sign_up_and_verify(self) -> bool:
        phone = self.device()
        form = {"name": "Soak Person", "email": self.ledger.email, "password": self.ledger.password}
        status, _, _ = phone.submit("/auth/signup", form)
        if not self.tally.saw(status, {303}, "sign-up"):
            return False
        self.ledger.signed_up = True
        link = self._wait_for_link()
        if link is None:
            self.tally.surprises.append(f"sign-up: no email for {self.ledger.email}")
            return False
        # Open the link, then press its page's button (the browser that signed up).
        status, _, _ = phone.submit(link.removeprefix(self.base_url), {})
        if self.tally.saw(status, {303}, "verify"):
            self.ledger.verified = True
            self.ledger.devices["phone"] = phone
        return True

    def sign_in(self, name: str) -> None:
        device = self.device()
        form = {"email": self.ledger.email, "password": self.ledger.password}
        status, _, _ = device.submit("/auth/login", form)
        if self.tally.saw(status, {303}, "sign-in"):
            self.ledger.devices[name] = device

    def sign_out(self, name: str) -> None:
        device = self.ledger.devices.pop(name)
        status, _, _ = self._post_logout(device)
        self.tally.saw(status, {303}, "sign-out")

    def sign_in_and_out(self) -> None:
        name = self.rng.choice(["laptop", "tablet"])
        if name in self.ledger.devices:
            self.sign_out(name)
        else:
            self.sign_in(name)
        self._check_still_signed_in()

    def change_password(self) -> None:
        if not self.ledger.devices:
            self.sign_in("laptop")
        name, device = next(iter(self.ledger.devices.items()))
        new = _password(self.rng)
        form = {
            "current_password": self.ledger.password,
            "new_password": new,
            "revoke_other_sessions": "y",
        }
        status, _, _ = device.submit("/profile/password", form)
        if self.tally.saw(status, {303}, "change-password"):
            self.ledger.password = new
            self.ledger.devices = {name: device}  # the others were signed out

    def end_other_sessions(self) -> None:
        if len(self.ledger.devices) < 2:
            self.sign_in("tablet" if "tablet" not in self.ledger.devices else "laptop")
        name, device = next(iter(self.ledger.devices.items()))
        _, _, page = device.request("/profile/sessions")
        status, _, _ = device.request(REVOKE_OTHERS, {"csrf_token": _csrf(page)})
        if self.tally.saw(status, {303}, "revoke-others"):
            self.ledger.devices = {name: device}

    def _check_still_signed_in(self) -> None:
        for device in self.ledger.devices.values():
            status, _, _ = device.request("/profile")
            self.tally.saw(status, {200}, "profile")

    def _post_logout(self, device: HttpBrowser):
        _, _, page = device.request("/profile")
        return device.request("/auth/logout", {"csrf_token": _csrf(page)})

    def _wait_for_link(self, seconds: float = 30) -> str | None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in self.mailbox.to(self.ledger.email):
                for link in self.mailbox.links(message):
                    if "/verify/email/" in link:
                        return link
            time.sleep(0.05)
        return None


def _password(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, 4)) + f" {rng.randrange(10**6)}"


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return match.group(1) if match else ""


def run_soak(
    database_url: str,
    *,
    people: int,
    seconds: float,
    workers: int = 2,
    min_actions: int = 1,
    server: str = "granian",
) -> dict:
    """Run the soak and audit the database; return a report (see ``audit``).

    Every person acts at least ``min_actions`` times after signing up, so a
    slow machine lengthens the run instead of shrinking the work.
    """
    smtp = SMTPServer().start()
    live = LiveServer(
        database_url,
        server=server,
        WORKERS=workers,
        THREADS=8,
        PROXY_FIX_X_FOR=1,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
    )
    tally, rng = Tally(), random.Random(7)
    try:
        _migrate(database_url)
        live.wait_until_up(60)
        crowd = [
            Person(n, live.url, smtp.mailbox, tally, random.Random(rng.random()))
            for n in range(people)
        ]
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=p.run, args=(deadline, min_actions), daemon=True) for p in crowd
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 600)
        report = audit(database_url, [p.ledger for p in crowd], tally)
        report["fewest_actions"] = min(p.actions for p in crowd)
        if report["server_errors"]:
            # The server's own account of each 5xx (its tracebacks), for whoever reads the report.
            report["server_log"] = _tracebacks(live.log_text())
        return report
    finally:
        live.stop()
        smtp.stop()


def _tracebacks(log: str) -> list[str]:
    """Return the tracebacks (and the lines that introduce them) in a server's log."""
    return re.findall(r"[^\n]*\nTraceback \(most recent call last\):\n(?:[ \t].*\n)*.*", log)


def _migrate(database_url: str) -> None:
    from flowpulse.core.database import db
    from flowpulse.core.migrations import apply_pending
    from tests.conftest import make_app

    with make_app(database_url).app_context():
        apply_pending()
        db.close()


def audit(database_url: str, ledgers: list[Ledger], tally: Tally) -> dict:
    """Compare the database with what the people believe."""
    from flowpulse.core.clock import utcnow
    from flowpulse.core.database import db
    from flowpulse.core.models import Account, Session, User
    from flowpulse.core.passwords import verify_password
    from tests.conftest import make_app

    with make_app(database_url).app_context():
        users = {u.email: u for u in User.select().where(User.email.endswith("@soak.example"))}
        wrong_password = 0
        for ledger in ledgers:
            user = users.get(ledger.email)
            account = Account.credential_of(user.id) if user else None
            if user and not verify_password(account.password, ledger.password)[0]:
                wrong_password += 1
        live = (
            Session.select()
            .join(User)
            .where(User.email.endswith("@soak.example") & (Session.expires_at > utcnow()))
            .count()
        )
        db.close()
    return {
        "people": len(ledgers),
        "requests": sum(tally.statuses.values()),
        "server_errors": sum(n for status, n in tally.statuses.items() if status >= 500),
        "surprises": tally.surprises[:20],
        "surprise_count": len(tally.surprises),
        "users_expected": sum(ledger.signed_up for ledger in ledgers),
        "users_found": len(users),
        "verified_expected": sum(ledger.verified for ledger in ledgers),
        "verified_found": sum(user.email_verified for user in users.values()),
        "sessions_expected": sum(len(ledger.devices) for ledger in ledgers),
        "sessions_found": live,
        "wrong_passwords": wrong_password,
    }


@contextmanager
def _database(url: str) -> Iterator[str]:
    """A private schema on PostgreSQL; a fresh file for ``sqlite:///`` URLs."""
    from tests.pg_schema import private_schema

    if url.startswith("sqlite:"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/soak.db"
        return
    with private_schema(url) as private_url:
        yield private_url


def main() -> int:
    """Run the long soak from the command line and print the audit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    if not args.database_url:
        parser.error("set TEST_DATABASE_URL or pass --database-url")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the SMTP server's chatter
    with _database(args.database_url) as url:
        seconds = args.minutes * 60
        report = run_soak(
            url, people=args.people, seconds=seconds, workers=args.workers, server=args.server
        )
    for key, value in report.items():
        print(f"{key:>18}: {value}")
    ok = (
        report["server_errors"] == 0
        and report["surprise_count"] == 0
        and all(
            report[f"{name}_expected"] == report[f"{name}_found"]
            for name in ("users", "verified", "sessions")
        )
    )
    print("PASS" if ok and report["wrong_passwords"] == 0 else "FAIL")
    return 0 if ok and report["wrong_passwords"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
