"""``flask users``: create, list, show, verify, set-password and delete, as operators see them."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from flowpulse.core.clock import utcnow
from flowpulse.core.models import CREDENTIAL_PROVIDER, Account, Session, User
from flowpulse.services.credentials import password_matches
from flowpulse.services.sessions import start_session
from flowpulse.services.signup import register_user
from tests.conftest import make_app
from tests.helpers import count_queries

STRONG = "correct horse battery staple 42"
OTHER_STRONG = "violet kayak thunders over 9 dunes"

#: Values planted in secret columns; none may ever be printed.
SECRETS = {
    "access_token": "ACCESS-TOKEN-never-print-1",
    "refresh_token": "REFRESH-TOKEN-never-print-2",
    "id_token": "ID-TOKEN-never-print-3",
}


def _add_user(app, email="ada@example.org", name="Ada Lovelace", verified=False):
    with app.app_context():
        return register_user(name, email, STRONG, verified=verified)


def _user(app, email="ada@example.org"):
    with app.app_context():
        return User.by_email(email)


def _user_count(app):
    with app.app_context():
        return User.select().count()


def _start_sessions(app, user, count):
    with app.test_request_context():
        return [
            start_session(user, remember=False, ip_address="203.0.113.7", user_agent="Firefox")[1]
            for _ in range(count)
        ]


def _create(runner, email, name, *flags, **kwargs):
    return runner.invoke(
        args=["users", "create", "--email", email, "--name", name, *flags], **kwargs
    )


def _assert_one_error_line(result, *expected):
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for text in expected:
        assert text in lines[0]
    assert "Traceback" not in result.output


# -- create -------------------------------------------------------------------


def test_create_with_a_password_option_makes_a_user_who_can_sign_in(app, runner):
    result = _create(runner, "Ada@Example.ORG", "  Ada  ", "--password", STRONG, "--verified")
    assert result.exit_code == 0, result.output
    assert "Created user ada@example.org (verified)" in result.output
    user = _user(app)
    assert user.name == "Ada"
    assert user.email_verified is True
    with app.app_context():
        account = Account.credential_of(user.id)
        assert account.password.startswith("$argon2id$")
        assert password_matches(user, STRONG)


def test_create_without_verified_leaves_the_address_unverified(app, runner):
    result = _create(runner, "ada@example.org", "Ada", "--password", STRONG)
    assert "(not verified)" in result.output
    assert _user(app).email_verified is False


def test_create_prompts_twice_for_a_hidden_password(app, runner):
    result = _create(runner, "ada@example.org", "Ada", input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output
    assert "Repeat for confirmation: " in result.output
    assert STRONG not in result.output  # hidden input is not echoed
    with app.app_context():
        assert password_matches(_user(app), STRONG)


def test_create_asks_again_when_the_two_typed_passwords_differ(app, runner):
    typed = f"{STRONG}\n{STRONG}x\n{OTHER_STRONG}\n{OTHER_STRONG}\n"
    result = _create(runner, "ada@example.org", "Ada", input=typed)
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    with app.app_context():
        assert password_matches(_user(app), OTHER_STRONG)


@pytest.mark.parametrize(
    ("email", "name", "password", "message"),
    [
        ("not-an-address", "Ada", STRONG, "invalid email address 'not-an-address'"),
        ("ada@example.org", "   ", STRONG, "the name is not allowed: Use 1 to 100 characters"),
        ("ada@example.org", "A" * 101, STRONG, "the name is not allowed: Use 1 to 100"),
        ("ada@example.org", "Ada\x00", STRONG, "control characters"),
        ("ada@example.org", "Ad\x85a", STRONG, "control characters"),
        ("ada@example.org", "Ada\u202eevil", STRONG, "formatting characters"),
        ("ada@example.org", "Ada", "short", "weak password: Use at least 15 characters."),
        ("ada@example.org", "Ada", "password12345678", "weak password: This password is too easy"),
    ],
)
def test_create_refuses_bad_input_in_one_line_and_creates_nothing(
    app, runner, email, name, password, message
):
    result = _create(runner, email, name, "--password", password)
    _assert_one_error_line(result, message)
    assert _user_count(app) == 0
    with app.app_context():
        assert Account.select().count() == 0


def test_create_refuses_an_email_that_is_taken_whatever_its_case(app, runner):
    _add_user(app)
    result = _create(runner, "ADA@example.org", "Impostor", "--password", STRONG)
    _assert_one_error_line(result, "a user with email ada@example.org already exists")
    assert _user_count(app) == 1
    assert _user(app).name == "Ada Lovelace"


def test_create_refuses_a_taken_email_before_asking_for_a_password(app, runner):
    _add_user(app)
    result = _create(runner, "ada@example.org", "X")
    _assert_one_error_line(result, "already exists")
    assert "Password" not in result.output


def test_create_refuses_the_persons_own_email_address_as_password(app, runner):
    # Strong to zxcvbn on its own; guessable once the address is known.
    address = "grace.hopper@example.org"
    result = _create(runner, address, "Grace Hopper", "--password", address)
    _assert_one_error_line(result, "weak password")
    assert _user_count(app) == 0


# -- list ---------------------------------------------------------------------


def test_list_prints_users_as_an_aligned_table(app, runner):
    _add_user(app, verified=True)
    _add_user(app, email="bob.longer.address@example.org", name="Bob")
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    header, *rows, footer = result.output.splitlines()
    assert header.split() == ["EMAIL", "NAME", "VERIFIED", "CREATED", "(UTC)"]
    assert footer == "2 users."
    column = header.index("VERIFIED")
    assert {row[column:].split()[0] for row in rows} == {"yes", "no"}
    assert rows[0].startswith("bob.longer.address@example.org")  # newest first


def test_list_search_matches_email_or_name_ignoring_case(app, runner):
    _add_user(app, email="ada@example.org", name="Ada Lovelace")
    _add_user(app, email="grace@navy.example", name="Grace Hopper")
    _add_user(app, email="alan@example.net", name="Alan Turing")
    by_name = runner.invoke(args=["users", "list", "--search", "HOPPER"]).output
    by_email = runner.invoke(args=["users", "list", "--search", "Example.ORG"]).output
    assert "grace@navy.example" in by_name
    assert "ada@example.org" not in by_name and "alan@example.net" not in by_name
    assert "ada@example.org" in by_email
    assert "grace@navy.example" not in by_email and "alan@example.net" not in by_email


def test_list_search_treats_sql_wildcards_as_plain_text(app, runner):
    _add_user(app, email="ada@example.org", name="Ada")
    result = runner.invoke(args=["users", "list", "--search", "%"])
    assert "No users found." in result.output


def test_list_limit_says_how_many_were_left_out(app, runner):
    for index in range(3):
        _add_user(app, email=f"user{index}@example.org", name=f"User {index}")
    result = runner.invoke(args=["users", "list", "--limit", "2"])
    assert result.output.count("@example.org") == 2
    assert "Showing 2 of 3 users; use --limit to see more." in result.output


def test_list_json_is_valid_json_with_iso_timestamps(app, runner):
    _add_user(app, verified=True)
    result = runner.invoke(args=["users", "list", "--json"])
    assert result.exit_code == 0
    (user,) = json.loads(result.stdout)
    assert user["email"] == "ada@example.org"
    assert user["email_verified"] is True
    created = datetime.fromisoformat(user["created_at"])
    assert created.tzinfo == UTC
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)


def test_list_with_no_users_says_so(app, runner):
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert result.output == "No users found.\n"


# -- show ---------------------------------------------------------------------


def _user_with_oauth_and_sessions(app):
    user = _add_user(app, verified=True)
    with app.app_context():
        Account.create(user=user, account_id="gh-12345", provider_id="github", **SECRETS)
        expired = Session.create(
            user=user, token="expired-digest", expires_at=utcnow() - timedelta(hours=1)
        )
    live = _start_sessions(app, user, 2)
    return user, live, expired


def test_show_lists_accounts_by_provider_and_only_live_sessions(app, runner):
    _, live, expired = _user_with_oauth_and_sessions(app)
    result = runner.invoke(args=["users", "show", "ADA@example.org"])
    assert result.exit_code == 0, result.output
    assert "ada@example.org" in result.output
    assert "Accounts (2):" in result.output
    assert "credential" in result.output and "github" in result.output
    assert "Live sessions (2):" in result.output
    assert all(session.id in result.output for session in live)
    assert expired.id not in result.output


def test_show_json_has_accounts_and_live_sessions(app, runner):
    user, live, _ = _user_with_oauth_and_sessions(app)
    result = runner.invoke(args=["users", "show", "ada@example.org", "--json"])
    shown = json.loads(result.stdout)
    assert shown["id"] == user.id
    assert sorted(a["provider_id"] for a in shown["accounts"]) == ["credential", "github"]
    assert {s["id"] for s in shown["sessions"]} == {s.id for s in live}
    assert datetime.fromisoformat(shown["sessions"][0]["expires_at"]).tzinfo == UTC


@pytest.mark.parametrize("flags", [[], ["--json"]])
def test_show_never_prints_a_secret(app, runner, flags):
    user, _, _ = _user_with_oauth_and_sessions(app)
    with app.app_context():
        digests = [s.token for s in Session.select().where(Session.user == user.id)]
        password_hash = Account.credential_of(user.id).password
    output = runner.invoke(args=["users", "show", "ada@example.org", *flags]).output
    for secret in [*SECRETS.values(), *digests, password_hash]:
        assert secret not in output
    assert '"password"' not in output


def test_show_loads_the_user_sessions_accounts_factors_and_passkeys_in_five_queries(app, runner):
    _user_with_oauth_and_sessions(app)
    with count_queries() as statements:
        result = runner.invoke(args=["users", "show", "ada@example.org", "--json"])
    assert result.exit_code == 0
    # The user, their sessions, their accounts (prefetched: one query each
    # however many rows), their second factor and their passkeys.
    assert len([sql for sql in statements if sql.startswith("SELECT")]) == 5


# -- verify, set-password, delete ---------------------------------------------


def test_verify_marks_the_address_verified_and_moves_updated_at(app, runner):
    before = _add_user(app)
    result = runner.invoke(args=["users", "verify", "Ada@example.org"])
    assert result.exit_code == 0
    assert "Marked ada@example.org as verified." in result.output
    after = _user(app)
    assert after.email_verified is True
    assert after.updated_at > before.updated_at


def test_verify_of_a_verified_address_says_so_and_succeeds(app, runner):
    _add_user(app, verified=True)
    result = runner.invoke(args=["users", "verify", "ada@example.org"])
    assert result.exit_code == 0
    assert "already verified" in result.output


def test_set_password_replaces_the_password_and_ends_every_session(app, runner):
    user = _add_user(app)
    _start_sessions(app, user, 2)
    other = _add_user(app, email="bob@example.org", name="Bob")
    _start_sessions(app, other, 1)
    result = runner.invoke(
        args=["users", "set-password", "ada@example.org"],
        input=f"{OTHER_STRONG}\n{OTHER_STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password set for ada@example.org; ended 2 sessions." in result.output
    with app.app_context():
        assert password_matches(user, OTHER_STRONG)
        assert not password_matches(user, STRONG)
        assert Session.select().where(Session.user == user.id).count() == 0
        assert Session.select().where(Session.user == other.id).count() == 1


def test_set_password_gives_an_oauth_only_user_a_password_account(app, runner):
    with app.app_context():
        user = User.create(name="Oauth Only", email="oauth@example.org")
    result = runner.invoke(
        args=["users", "set-password", "oauth@example.org", "--password", OTHER_STRONG]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert Account.credential_of(user.id).provider_id == CREDENTIAL_PROVIDER
        assert password_matches(user, OTHER_STRONG)


def test_set_password_refuses_a_weak_password_and_changes_nothing(app, runner):
    user = _add_user(app)
    _start_sessions(app, user, 1)
    result = runner.invoke(args=["users", "set-password", "ada@example.org", "--password", "ada"])
    _assert_one_error_line(result, "weak password")
    with app.app_context():
        assert password_matches(user, STRONG)
        assert Session.select().count() == 1


def test_delete_asks_first_and_removes_the_user_with_sessions_and_accounts(app, runner):
    user = _add_user(app)
    _start_sessions(app, user, 2)
    result = runner.invoke(args=["users", "delete", "ada@example.org"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Delete ada@example.org with 2 sessions and 1 account?" in result.output
    assert "Deleted user ada@example.org." in result.output
    with app.app_context():
        assert User.select().count() == 0
        assert Session.select().count() == 0
        assert Account.select().count() == 0


def test_delete_declined_keeps_the_user(app, runner):
    _add_user(app)
    result = runner.invoke(args=["users", "delete", "ada@example.org"], input="n\n")
    assert result.exit_code != 0
    assert "Aborted" in result.output
    assert _user_count(app) == 1


def test_delete_with_yes_does_not_ask(app, runner):
    _add_user(app)
    result = runner.invoke(args=["users", "delete", "ada@example.org", "--yes"])
    assert result.exit_code == 0
    assert "?" not in result.output
    assert _user_count(app) == 0


@pytest.mark.parametrize(
    "args",
    [
        ["show", "nobody@example.org"],
        ["verify", "nobody@example.org"],
        ["set-password", "nobody@example.org", "--password", STRONG],
        ["delete", "nobody@example.org", "--yes"],
    ],
)
def test_commands_on_an_unknown_email_fail_in_one_line(app, runner, args):
    _add_user(app)
    result = runner.invoke(args=["users", *args])
    _assert_one_error_line(result, "no user with email nobody@example.org")
    assert _user_count(app) == 1


def test_commands_on_an_invalid_email_fail_in_one_line(app, runner):
    result = runner.invoke(args=["users", "show", "ada@@example.org"])
    _assert_one_error_line(result, "invalid email address 'ada@@example.org'")


# -- database trouble ---------------------------------------------------------


def test_an_unreachable_database_is_reported_in_one_line():
    app = make_app("postgresql://postgres@127.0.0.1:1/nowhere")
    result = app.test_cli_runner().invoke(args=["users", "list"])
    _assert_one_error_line(result, "database unavailable")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_database_that_was_never_migrated_says_to_migrate(tmp_path, engine):
    app = make_app(f"sqlite:///{tmp_path / 'empty.db'}")
    result = app.test_cli_runner().invoke(args=["users", "list"])
    _assert_one_error_line(result, "no such table", "flask db migrate")
