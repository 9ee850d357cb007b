"""The README's test counts are what pytest collects, on SQLite alone and with PostgreSQL."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import support

ROOT = Path(__file__).resolve().parent.parent


def _collected(*paths: str, postgres: bool) -> int:
    """How many tests pytest collects (collecting connects to no database)."""
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "PYTEST_ADDOPTS"}}
    if postgres:
        env["TEST_DATABASE_URL"] = "postgresql://collect-only.invalid/none"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *paths],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return int(re.search(r"(\d+) tests? collected", result.stdout).group(1))


def _readme_numbers() -> list[int]:
    text = (ROOT / "README.md").read_text().split("## Tests, and the long runs", 1)[1]
    sentence = text.split("### Browser tests", 1)[0]
    match = re.search(
        r"whole suite: ([\d,]+) tests on SQLite\s+alone, ([\d,]+) with .*?"
        r"Of those, ([\d,]+) are browser tests \(([\d,]+) on SQLite alone\)",
        sentence,
        re.S,
    )
    assert match, "the README no longer states the counts in its usual words"
    return [int(number.replace(",", "")) for number in match.groups()]


@pytest.mark.skipif(
    bool(support.missing()), reason="the README counts a machine that runs the browser tests"
)
def test_the_readme_states_the_counts_pytest_collects():
    sqlite, everything, e2e, e2e_sqlite = _readme_numbers()
    assert _collected(postgres=False) == sqlite
    assert _collected(postgres=True) == everything
    assert _collected("tests/e2e", postgres=True) == e2e
    assert _collected("tests/e2e", postgres=False) == e2e_sqlite
