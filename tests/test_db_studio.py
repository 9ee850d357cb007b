"""``flask db studio``: a local, read-only browser of the four tables, secrets masked."""

import socket
from datetime import timedelta

import pytest
from flask import Flask

from flowpulse.core.clock import utcnow
from flowpulse.core.models import Account, Session, User, Verification
from flowpulse.studio import create_studio_app
from flowpulse.studio.loopback import is_loopback_host
from flowpulse.studio.tables import MASK
from tests.conftest import make_app
from tests.helpers import count_queries
from tests.mailbox import free_port

#: Values planted in every secret column; not one may appear in any page.
SECRETS = {
    "session_token": "SESSION-TOKEN-DIGEST-s3cr3t",
    "password": "$argon2id$v=19$PASSWORD-HASH-s3cr3t",
    "access_token": "ACCESS-TOKEN-s3cr3t",
    "refresh_token": "REFRESH-TOKEN-s3cr3t",
    "id_token": "ID-TOKEN-s3cr3t",
    "verification_value": "VERIFICATION-DIGEST-s3cr3t",
}


@pytest.fixture
def studio(app):
    """A test client for the studio, reading the app's database."""
    return create_studio_app(app).test_client()


@pytest.fixture
def ada_rows(app):
    """A user with a session, a password account, an OAuth account and a token."""
    with app.app_context():
        user = User.create(name="Ada Lovelace", email="ada@example.org", email_verified=True)
        Session.create(
            id="session-of-ada",
            user=user,
            token=SECRETS["session_token"],
            expires_at=utcnow() + timedelta(days=1),
            ip_address="198.51.100.23",
        )
        Account.create(
            id="password-account",
            user=user,
            account_id=user.id,
            provider_id="credential",
            password=SECRETS["password"],
        )
        Account.create(
            id="github-account",
            user=user,
            account_id="gh-1",
            provider_id="github",
            access_token=SECRETS["access_token"],
            refresh_token=SECRETS["refresh_token"],
            id_token=SECRETS["id_token"],
        )
        Verification.create(
            identifier=f"verify-email:{user.id}",
            value=SECRETS["verification_value"],
            expires_at=utcnow() + timedelta(hours=1),
        )
    return user


def _every_page(studio, user):
    paths = ["/", f"/users/{user.id}", "/tables/user?q=ada"]
    paths += [f"/tables/{name}" for name in ("user", "session", "account", "verification")]
    pages = {path: studio.get(path) for path in paths}
    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(paths, 200)
    return {path: page.get_data(as_text=True) for path, page in pages.items()}


def _add_users(app, count):
    with app.app_context():
        start = utcnow() - timedelta(days=1)
        User.insert_many(
            {
                "id": f"user-{n:03d}",
                "name": f"User {n:03d}",
                "email": f"user{n:03d}@example.org",
                "created_at": start + timedelta(seconds=n),
                "updated_at": start,
            }
            for n in range(count)
        ).execute()


# -- pages ----------------------------------------------------------------------


def test_index_lists_the_four_tables_with_their_row_counts(studio, ada_rows):
    page = studio.get("/").get_data(as_text=True)
    for name, count in [("user", 1), ("session", 1), ("account", 2), ("verification", 1)]:
        assert f'href="/tables/{name}">{name}</a></td>\n      <td class="number">{count}' in page


def test_no_secret_value_appears_on_any_page(studio, ada_rows):
    for path, html in _every_page(studio, ada_rows).items():
        for secret in SECRETS.values():
            assert secret not in html, f"{secret} shown on {path}"


def test_secret_columns_show_a_mask_or_empty(studio, ada_rows):
    accounts = studio.get("/tables/account").get_data(as_text=True)
    assert accounts.count(MASK) == 4  # one password hash, three OAuth tokens
    assert "(empty)" in accounts  # the password account has no OAuth tokens
    assert MASK in studio.get("/tables/session").get_data(as_text=True)
    assert MASK in studio.get("/tables/verification").get_data(as_text=True)


def test_table_pages_show_fifty_rows_a_page_newest_first(app, studio):
    _add_users(app, 120)
    first = studio.get("/tables/user").get_data(as_text=True)
    last = studio.get("/tables/user?page=3").get_data(as_text=True)
    assert "120 rows" in first and "page 1 of 3" in first
    assert first.count("@example.org</td>") == 50
    assert "user119@example.org" in first and "user070@example.org" in first
    assert "user069@example.org" not in first
    assert last.count("@example.org</td>") == 20
    assert "user000@example.org" in last
    assert 'rel="prev"' in last and 'rel="next"' not in last


@pytest.mark.parametrize("page", ["4", "0", "-1"])
def test_a_page_past_the_end_is_not_found(app, studio, page):
    _add_users(app, 120)
    assert studio.get(f"/tables/user?page={page}").status_code == 404


def test_user_search_matches_email_or_name_ignoring_case(app, studio, ada_rows):
    with app.app_context():
        User.create(name="Grace Hopper", email="grace@navy.example")
    by_name = studio.get("/tables/user?q=LOVELACE").get_data(as_text=True)
    by_email = studio.get("/tables/user?q=NAVY").get_data(as_text=True)
    assert "ada@example.org" in by_name and "grace@navy.example" not in by_name
    assert "grace@navy.example" in by_email and "ada@example.org" not in by_email
    assert "1 row matching" in by_email


def test_search_text_with_a_nul_byte_is_cleaned_not_an_error(studio, ada_rows):
    page = studio.get("/tables/user?q=ada%00")
    assert page.status_code == 200
    assert "ada@example.org" in page.get_data(as_text=True)


def test_a_users_page_shows_their_sessions_and_accounts_in_three_queries(app, studio, ada_rows):
    with count_queries() as statements:
        page = studio.get(f"/users/{ada_rows.id}").get_data(as_text=True)
    assert "Sessions (1)" in page and "session-of-ada" in page and "198.51.100.23" in page
    assert "Accounts (2)" in page and "password-account" in page and "github-account" in page
    assert len([sql for sql in statements if sql.startswith("SELECT")]) == 3


def test_rows_link_to_their_user(studio, ada_rows):
    sessions = studio.get("/tables/session").get_data(as_text=True)
    assert f'href="/users/{ada_rows.id}"' in sessions


@pytest.mark.parametrize("path", ["/tables/password", "/users/nobody"])
def test_unknown_tables_and_users_are_not_found(studio, ada_rows, path):
    assert studio.get(path).status_code == 404


# -- read-only and local only ---------------------------------------------------


def test_every_route_is_get_only(app, studio, ada_rows):
    for rule in create_studio_app(app).url_map.iter_rules():
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    assert studio.post("/").status_code == 405
    assert studio.post(f"/users/{ada_rows.id}").status_code == 405


def test_pages_forbid_scripts_framing_and_caching(studio, ada_rows):
    response = studio.get("/")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5555", "192.168.1.20"])
def test_requests_for_a_foreign_host_name_are_refused(studio, ada_rows, host):
    # A page that points its domain at 127.0.0.1 (DNS rebinding) must read nothing.
    response = studio.get("/tables/user", headers={"Host": host})
    assert response.status_code == 400
    assert "ada@example.org" not in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost:5555", "127.0.0.1:5555", "[::1]:5555"])
def test_requests_for_a_loopback_host_name_are_answered(studio, ada_rows, host):
    assert studio.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),  # noqa: S104 (the address being refused)
        ("::", False),
        ("192.168.1.20", False),
        ("localhost.evil.example", False),
        ("", False),
    ],
)
def test_only_loopback_addresses_count_as_loopback(host, loopback):
    assert is_loopback_host(host) is loopback


# -- the command ------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch):
    """Record what the command would serve instead of serving it."""
    calls = []
    monkeypatch.setattr(
        "flowpulse.cli.studio.run_simple",
        lambda host, port, app, **options: calls.append((host, port, app, options)),
    )
    return calls


#: Addresses other machines can reach; the studio must never listen on them.
NOT_LOOPBACK = ["0.0.0.0", "192.168.1.20", "example.org", "::"]  # noqa: S104


@pytest.mark.parametrize("host", NOT_LOOPBACK)
def test_the_command_refuses_a_host_that_is_not_loopback(app, runner, served, host):
    result = runner.invoke(args=["db", "studio", "--host", host])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: refusing to serve on {host!r}: the studio listens on loopback only "
        "(127.0.0.1, ::1 or localhost)"
    ]
    assert served == []


@pytest.mark.parametrize(
    ("host", "bound"), [("127.0.0.1", "127.0.0.1"), ("localhost", "127.0.0.1")]
)
def test_the_command_serves_the_studio_on_loopback_and_prints_its_url(
    app, runner, served, host, bound
):
    port = free_port()
    result = runner.invoke(args=["db", "studio", "--host", host, "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert f"http://{bound}:{port}/" in result.output
    ((served_host, served_port, studio_app, options),) = served
    assert (served_host, served_port) == (bound, port)
    assert isinstance(studio_app, Flask) and "studio.index" in studio_app.view_functions
    assert not options.get("use_debugger") and not options.get("use_reloader")


def test_the_command_defaults_to_127_0_0_1(app, runner, served):
    result = runner.invoke(args=["db", "studio", "--port", str(free_port())])
    assert result.exit_code == 0, result.output
    assert served[0][0] == "127.0.0.1"


def test_the_command_reports_a_busy_port_in_one_line(app, runner, served):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = runner.invoke(args=["db", "studio", "--port", str(port)])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: cannot listen on 127.0.0.1 port {port}: ")
    assert served == []


def test_the_command_reports_an_unreachable_database_in_one_line(served):
    app = make_app("postgresql://postgres@127.0.0.1:1/nowhere")
    result = app.test_cli_runner().invoke(args=["db", "studio"])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: database unavailable: ")
    assert served == []


def test_pages_answer_503_while_the_database_is_unreachable():
    unreachable = make_app("postgresql://postgres@127.0.0.1:1/nowhere")
    response = create_studio_app(unreachable).test_client().get("/tables/user")
    assert response.status_code == 503
    assert "The database is unavailable." in response.get_data(as_text=True)


def test_an_unknown_table_gets_a_studio_page_not_a_bare_404(studio):
    response = studio.get("/tables/nothing")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<main>" in page and "<h1>Not found</h1>" in page
    assert "FlowPulse Studio" in page
