"""Fixtures: every database test runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL.

SQLite gets a fresh temp-file database per test (never ``:memory:``, which
would hide per-connection pragmas). PostgreSQL gets one private schema per
test session, migrated once and emptied between tests.
"""

import os

import pytest

from flowpulse import create_app
from flowpulse.core.database import db
from flowpulse.core.migrations import apply_pending
from flowpulse.core.models import User
from flowpulse.services.signup import register_user
from tests.browser import STRONG_PASSWORD, Browser
from tests.e2e import support as browser_support
from tests.mail_queue import QUEUE_SETTINGS, deliver_after_each_request
from tests.mailbox import SMTPServer
from tests.oauth_servers.fixtures import github_server, oidc_provider, provider_outcome  # noqa: F401
from tests.pg_schema import private_schema

#: PostgreSQL server for the second half of the suite; unset: SQLite only.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

ENGINES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

TABLES = (
    "account_issuer",
    "passkey",
    "two_factor",
    "mail_message",
    "verification",
    "account",
    "session",
    '"user"',
)

#: The seed's four tables, and every table the migrations create.
SEED_TABLES = {"user", "session", "account", "verification"}
ALL_TABLES = SEED_TABLES | {
    "mail_message",
    "two_factor",
    "passkey",
    "pending_sign_in",
    "account_issuer",
}


#: Modules whose tests start servers, workers or browsers in other processes:
#: ``make test-fast`` leaves them out for day-to-day work (``make test`` runs all).
MULTIPROCESS_MODULES = {
    "test_serving.py",
    "test_attack_serving.py",
    "test_mail_workers.py",
    "test_soak.py",
    "test_rate_limit_storage.py",
    "test_quiet_start.py",
    "test_cli_quiet.py",
    "test_accessibility.py",
}


def pytest_collection_modifyitems(config, items):
    """Mark the tests of ``MULTIPROCESS_MODULES`` (``-m "not multiprocess"`` skips them)."""
    for item in items:
        if item.path.name in MULTIPROCESS_MODULES or "e2e" in item.path.parts:
            item.add_marker(pytest.mark.multiprocess)


def pytest_report_header(config):
    """Say which engines this run covers and whether the browser tests run, so a
    skipped half is visible (``.ci/run`` reads both lines)."""
    return [f"FlowPulse database engines: {', '.join(ENGINES)}", browser_support.header_line()]


def pytest_terminal_summary(terminalreporter):
    """Say whether the tests against the real OpenID Connect provider ran (.ci/run checks)."""
    terminalreporter.write_line(provider_outcome())


@pytest.fixture(scope="session")
def postgres_schema_url():
    """Create a private schema for this test session; drop it at the end."""
    if not TEST_DATABASE_URL:
        yield None
        return
    with private_schema(TEST_DATABASE_URL) as url:
        yield url


@pytest.fixture
def needs_postgres():
    """Skip a PostgreSQL-only test when the run has no TEST_DATABASE_URL."""
    if not TEST_DATABASE_URL:
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) for the whole test session."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server):
    """What the SMTP server received during this test."""
    smtp_server.mailbox.clear()
    return smtp_server.mailbox


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    """The database engine this test runs on."""
    return request.param


@pytest.fixture
def database_url(engine, tmp_path, postgres_schema_url) -> str:
    """A database URL for this test on its engine."""
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'flowpulse.db'}"
    return postgres_schema_url


def make_app(database_url: str, **overrides):
    """Create an app for tests with safe, fast settings.

    Mail goes through a private in-memory queue that runs before each test
    client call returns (``tests/mail_queue.py``).
    """
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": False,
        "BASE_URL": "http://localhost",
        **QUEUE_SETTINGS,
    }
    config.update(overrides)
    return deliver_after_each_request(create_app(config))


@pytest.fixture
def app_config() -> dict:
    """Per-test config overrides; a test module may override this fixture."""
    return {}


@pytest.fixture
def app(database_url, engine, app_config, smtp_server, mailbox):
    """A migrated app on this test's database and the test SMTP server."""
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port}
    app = make_app(database_url, **{**mail, **app_config})
    with app.app_context():
        apply_pending()
        db.close()
    yield app
    with app.app_context():
        if engine == "postgresql":
            apply_pending()  # a test may have rolled the schema back
            db.execute_sql(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        db.close()
        if hasattr(db.obj, "close_all"):
            db.obj.close_all()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's ``flask`` commands."""
    return app.test_cli_runner()


@pytest.fixture
def browser(client) -> Browser:
    """A browser on the app, filling in forms with their CSRF tokens."""
    return Browser(client)


@pytest.fixture
def new_browser(app):
    """Open another, independent browser (its own cookies) on the same app."""
    return lambda: Browser(app.test_client())


@pytest.fixture
def make_user(app):
    """Create an account directly (verified by default) and return it."""

    def make(email="ada@example.com", password=STRONG_PASSWORD, name="Ada Lovelace", verified=True):
        with app.app_context():
            try:
                return register_user(name, email, password, verified=verified)
            finally:
                db.close()  # back to the pool, as at the end of a request

    return make


@pytest.fixture
def ada_account(make_user):
    """Ada's verified account, just created: nobody is signed in."""
    return make_user("ada@example.com", name="Ada Lovelace")


@pytest.fixture
def ada(ada_account, browser):
    """Ada's verified account, signed in on ``browser``."""
    assert browser.sign_in("ada@example.com").status_code == 303
    return ada_account


@pytest.fixture
def user_row(app):
    """Read a user's current row from the database by email."""

    def read(email: str) -> User | None:
        with app.app_context():
            return User.by_email(email)

    return read
