"""What one benchmark run measures, and how long each phase may take."""

from dataclasses import dataclass, field
from pathlib import Path

#: The repository root: app.py, gunicorn.conf.py and migrations/ live here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The PostgreSQL server used unless ``--database-url`` names another.
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"

#: A fixed key: cookies signed by one server start stay valid in the next.
SECRET_KEY = "flowpulse-benchmark-secret-key"  # noqa: S105 (a throwaway benchmark key)

#: The signed-in person every load phase acts as.
BENCH_EMAIL = "bench@example.com"
BENCH_PASSWORD = "correct horse battery staple 42"  # noqa: S105 (benchmark account)
#: An address with no account, for the unknown-email sign-in timing.
UNKNOWN_EMAIL = "nobody@example.com"

ALL_ROWS = (1, 2, 3, 4, 5, 6, 7, 8, 9)
ALL_ENGINES = ("sqlite", "postgresql")


@dataclass
class Settings:
    """Sizes and durations of one run (``--quick`` shrinks them)."""

    #: ``full`` or ``quick``, printed with the results.
    mode: str = "full"
    database_url: str = DEFAULT_DATABASE_URL
    engines: tuple[str, ...] = ALL_ENGINES
    rows: tuple[int, ...] = ALL_ROWS
    #: Seconds of load per measured phase, after ``warmup`` seconds unmeasured.
    duration: float = 10.0
    warmup: float = 3.0
    #: Concurrent keep-alive connections the load client holds open.
    connections: int = 16
    #: gunicorn workers and threads (FLOWPULSE_WORKERS / FLOWPULSE_THREADS);
    #: None: gunicorn.conf.py's defaults, two workers per core and four threads.
    workers: int | None = None
    threads: int | None = None
    #: Sequential sign-ins per kind (known and unknown email); also sign-ups
    #: per mail server in row 7.
    signin_samples: int = 30
    #: Interleaved pairs (registered and unknown address) per form in row 7.
    enumeration_samples: int = 300
    #: Users and sessions of the large PostgreSQL database (row 4).
    scale_users: int = 1_000_000
    #: Row 4's connections: about one per core, so its p99 shows the lookup,
    #: not requests queued behind one another.
    scale_connections: int = 2
    #: Expired sessions ``flask sessions prune`` deletes (row 5), per engine.
    prune_rows: dict[str, int] = field(
        default_factory=lambda: {"postgresql": 1_000_000, "sqlite": 1_000_000}
    )
    #: Requests after which worker memory is read (row 6).
    memory_checkpoints: tuple[int, ...] = (10_000, 50_000)
    #: Cap on each request-counted load phase, in seconds.
    memory_phase_cap: float = 180.0
    #: Load phases per server in rows 1, 2 and 4, alternating; each keeps its
    #: best. gthread workers race to accept wrk's keep-alive connections, and
    #: a phase whose connections mostly landed on one worker uses one core.
    rounds: int = 3
    #: Row 8: alternating rounds per server (each number is their median), and
    #: seconds of load per round after ``warmup``.
    peer_rounds: int = 5
    peer_duration: float = 5.0
    #: ``wrk`` when installed, else ``python`` (bench/loadclient.py).
    load_tool: str = "wrk"
    json_path: Path | None = None

    def quick(self) -> "Settings":
        """Shrink the run to a few minutes."""
        self.mode = "quick"
        self.duration, self.warmup, self.rounds = 4.0, 1.0, 2
        self.peer_rounds, self.peer_duration = 3, 3.0
        self.signin_samples = 15
        self.enumeration_samples = 100
        self.scale_users = 100_000
        self.prune_rows = {"postgresql": 100_000, "sqlite": 100_000}
        self.memory_checkpoints = (2_000, 10_000)
        return self
