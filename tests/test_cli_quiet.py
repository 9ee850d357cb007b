"""CLI commands print their answer; the log's INFO lines (audit events) only with --verbose."""

import os
import subprocess
import sys

from tests.browser import STRONG_PASSWORD
from tests.live_server import PROJECT_ROOT


def flask(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOWPULSE_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", FLOWPULSE_SECRET_KEY="cli-test")
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )


def create(tmp_path, email, *extra):
    return flask(
        tmp_path, "users", "create", "--email", email, "--name", "Ada Lovelace",
        "--password", STRONG_PASSWORD, "--verified", *extra,
    )  # fmt: skip


def test_users_create_prints_its_answer_and_no_log_lines(tmp_path):
    migrated = flask(tmp_path, "db", "migrate")
    every_migration = sorted(path.stem for path in (PROJECT_ROOT / "migrations").glob("0*.py"))
    assert migrated.stdout == f"Applied: {', '.join(every_migration)}\n"
    assert migrated.stderr == ""
    created = create(tmp_path, "ada@example.org")
    assert created.stdout.startswith("Created user ada@example.org (verified), id ")
    assert created.stderr == ""


def test_verbose_shows_the_audit_line_on_stderr_never_in_the_output(tmp_path):
    flask(tmp_path, "db", "migrate")
    created = create(tmp_path, "ada@example.org", "--verbose")
    assert "account.created" not in created.stdout
    [line] = [line for line in created.stderr.splitlines() if "flowpulse.audit" in line]
    assert " INFO flowpulse.audit: account.created user=" in line and "by=cli" in line
    assert "\x1b[" not in created.stderr + created.stdout  # no colour codes in a pipe
