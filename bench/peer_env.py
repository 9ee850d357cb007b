"""The peer's own virtual environment, created by the benchmark the first time it is needed.

Flask-Security-Too is never a FlowPulse dependency: it lives in
``.venv-peer/`` (beside ``.venv/``), installed from the package index with
pip, with the same HTTP servers FlowPulse pins, so both apps can run under
the same server. A stamp records what was installed; a changed list reinstalls.
"""

import subprocess
import sys
from pathlib import Path

from bench.settings import PROJECT_ROOT

#: Where the peer's environment lives (ignored by git, removed by ``make clean``).
PEER_VENV = PROJECT_ROOT / ".venv-peer"

#: What the peer app needs; the servers in the same ranges as pyproject.toml's.
REQUIREMENTS = (
    "flask-security-too[fsqla]>=5.6,<6",
    "argon2-cffi>=23",
    "psycopg2-binary>=2.9",
    "gunicorn>=23,<28",
    "granian>=2.8,<3",
)

#: Seconds the first install may take (a few packages, most already cached).
INSTALL_TIMEOUT = 600


def peer_python() -> Path:
    """Return the peer environment's interpreter, creating the environment if missing."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / ".installed"
    wanted = "\n".join(REQUIREMENTS)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"creating {PEER_VENV.name}/ for the Flask-Security-Too peer …", file=sys.stderr)
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(PEER_VENV)])
    _run([str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS])
    stamp.write_text(wanted)
    return python


def peer_versions(python: Path) -> str:
    """Return the versions of Flask-Security-Too, Flask and SQLAlchemy in the peer's environment."""
    names = ("flask-security-too", "flask", "sqlalchemy")
    code = (
        "from importlib.metadata import version as v; print("
        + ", ".join(f"'{name} ' + v('{name}')" for name in names)
        + ", sep=', ')"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [str(python), "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.strip()


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} … failed:\n{result.stderr[-2000:]}")
