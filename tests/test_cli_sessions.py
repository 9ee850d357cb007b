"""``flask sessions``: list, revoke and prune signed-in sessions."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from flowpulse.core.clock import utcnow
from flowpulse.core.database import db
from flowpulse.core.models import Session, User, Verification
from flowpulse.services.sessions import start_session
from tests.helpers import count_queries

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

#: Rows the prune test bulk-inserts.
EXPIRED_SESSIONS = 100_000


def _user(app, email):
    with app.app_context():
        return User.create(name=email.split("@")[0].title(), email=email)


def _sign_in(app, user, ip="203.0.113.7", agent=FIREFOX):
    with app.test_request_context():
        return start_session(user, remember=True, ip_address=ip, user_agent=agent)[1]


def _expired_session(app, user):
    with app.app_context():
        past = utcnow() - timedelta(days=1)
        return Session.create(user=user, token=f"digest-of-{user.id}", expires_at=past)


def _session_ids(app):
    with app.app_context():
        return {s.id for s in Session.select(Session.id)}


def _assert_one_error_line(result, text):
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [f"Error: {text}"]


# -- list ---------------------------------------------------------------------


def test_list_shows_each_live_session_with_its_user_and_device(app, runner):
    ada = _user(app, "ada@example.org")
    live = _sign_in(app, ada, ip="198.51.100.23")
    result = runner.invoke(args=["sessions", "list"])
    assert result.exit_code == 0, result.output
    header, row, footer = result.output.splitlines()
    assert header.split()[:4] == ["ID", "USER", "IP", "USER"]
    assert row.split()[:3] == [live.id, "ada@example.org", "198.51.100.23"]
    assert "Mozilla/5.0 (X11; Linux x86_64;…" in row  # shortened
    assert FIREFOX not in row
    assert footer == "1 session."


def test_list_never_prints_the_token_digest(app, runner):
    ada = _user(app, "ada@example.org")
    live = _sign_in(app, ada)
    for flags in ([], ["--json"]):
        output = runner.invoke(args=["sessions", "list", *flags]).output
        assert live.token not in output
        assert "token" not in output


def test_list_leaves_out_expired_sessions_unless_asked_for_all(app, runner):
    ada = _user(app, "ada@example.org")
    live, expired = _sign_in(app, ada), _expired_session(app, ada)
    default = runner.invoke(args=["sessions", "list"]).output
    everything = runner.invoke(args=["sessions", "list", "--all"]).output
    assert live.id in default and expired.id not in default
    assert live.id in everything and expired.id in everything


def test_list_for_one_user_shows_only_theirs(app, runner):
    ada, bob = _user(app, "ada@example.org"), _user(app, "bob@example.org")
    adas, bobs = _sign_in(app, ada), _sign_in(app, bob)
    result = runner.invoke(args=["sessions", "list", "--user", "BOB@example.org"])
    assert bobs.id in result.output
    assert adas.id not in result.output


def test_list_json_is_valid_json_with_iso_timestamps_and_the_full_user_agent(app, runner):
    ada = _user(app, "ada@example.org")
    live = _sign_in(app, ada)
    result = runner.invoke(args=["sessions", "list", "--json"])
    (shown,) = json.loads(result.stdout)
    assert shown["id"] == live.id
    assert shown["user_email"] == "ada@example.org"
    assert shown["user_agent"] == FIREFOX
    assert datetime.fromisoformat(shown["expires_at"]) > datetime.now(UTC)
    assert set(shown) == {
        "id",
        "user_id",
        "user_email",
        "ip_address",
        "user_agent",
        "created_at",
        "last_active_at",
        "expires_at",
    }


def test_list_loads_sessions_and_their_users_in_one_query(app, runner):
    for index in range(5):
        _sign_in(app, _user(app, f"user{index}@example.org"))
    with count_queries() as statements:
        result = runner.invoke(args=["sessions", "list"])
    assert result.output.count("@example.org") == 5
    assert len([sql for sql in statements if sql.startswith("SELECT")]) == 1


def test_list_limit_says_how_many_were_left_out(app, runner):
    ada = _user(app, "ada@example.org")
    for _ in range(3):
        _sign_in(app, ada)
    result = runner.invoke(args=["sessions", "list", "--limit", "2"])
    assert "Showing 2 of 3 sessions; use --limit to see more." in result.output


def test_list_for_an_unknown_user_fails_in_one_line(app, runner):
    result = runner.invoke(args=["sessions", "list", "--user", "nobody@example.org"])
    _assert_one_error_line(result, "no user with email nobody@example.org")


# -- revoke -------------------------------------------------------------------


def test_revoke_by_id_ends_that_session_only(app, runner):
    ada = _user(app, "ada@example.org")
    ended, kept = _sign_in(app, ada), _sign_in(app, ada)
    result = runner.invoke(args=["sessions", "revoke", ended.id])
    assert result.exit_code == 0, result.output
    assert f"Revoked session {ended.id} of ada@example.org." in result.output
    assert _session_ids(app) == {kept.id}


def test_revoke_takes_an_id_that_starts_with_a_dash(app, runner):
    ada = _user(app, "ada@example.org")
    with app.app_context():
        Session.update(id="-dash-first").where(Session.id == _sign_in(app, ada).id).execute()
    result = runner.invoke(args=["sessions", "revoke", "-dash-first"])
    assert result.exit_code == 0, result.output
    assert _session_ids(app) == set()


def test_revoke_of_an_unknown_id_fails_in_one_line(app, runner):
    ada = _user(app, "ada@example.org")
    kept = _sign_in(app, ada)
    result = runner.invoke(args=["sessions", "revoke", "no-such-id"])
    _assert_one_error_line(result, "no session with id 'no-such-id'")
    assert _session_ids(app) == {kept.id}


def test_revoke_for_a_user_ends_all_their_sessions(app, runner):
    ada, bob = _user(app, "ada@example.org"), _user(app, "bob@example.org")
    _sign_in(app, ada), _sign_in(app, ada)
    bobs = _sign_in(app, bob)
    result = runner.invoke(args=["sessions", "revoke", "--user", "ada@example.org"])
    assert result.exit_code == 0
    assert "Revoked 2 sessions of ada@example.org." in result.output
    assert _session_ids(app) == {bobs.id}


@pytest.mark.parametrize("args", [[], ["some-id", "--user", "ada@example.org"]])
def test_revoke_needs_exactly_one_of_an_id_or_a_user(app, runner, args):
    ada = _user(app, "ada@example.org")
    kept = _sign_in(app, ada)
    result = runner.invoke(args=["sessions", "revoke", *args])
    _assert_one_error_line(result, "give exactly one of a session ID, --user EMAIL or --all")
    assert _session_ids(app) == {kept.id}


def test_revoke_all_asks_first_then_ends_every_session_of_every_user(app, runner):
    ada, grace = _user(app, "ada@example.org"), _user(app, "grace@example.org")
    for user in (ada, ada, grace):
        _sign_in(app, user)
    declined = runner.invoke(args=["sessions", "revoke", "--all"], input="n\n")
    assert declined.exit_code != 0
    assert len(_session_ids(app)) == 3
    result = runner.invoke(args=["sessions", "revoke", "--all"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Revoked 3 sessions." in result.output
    assert _session_ids(app) == set()


def test_revoke_all_with_yes_does_not_ask(app, runner):
    _sign_in(app, _user(app, "ada@example.org"))
    result = runner.invoke(args=["sessions", "revoke", "--all", "--yes"])
    assert result.exit_code == 0
    assert _session_ids(app) == set()


# -- prune --------------------------------------------------------------------


def _bulk_insert_expired_sessions(user, count):
    past = utcnow() - timedelta(days=1)
    rows = (
        {
            "id": f"expired-{n}",
            "token": f"expired-token-{n}",
            "user": user.id,
            "expires_at": past,
            "created_at": past,
            "updated_at": past,
        }
        for n in range(count)
    )
    with db.atomic():
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 2_000:
                Session.insert_many(batch).execute()
                batch = []
        if batch:
            Session.insert_many(batch).execute()


def _verification(identifier, expires_at):
    return Verification.create(identifier=identifier, value="digest", expires_at=expires_at)


def test_prune_deletes_100_000_expired_sessions_in_batches_and_keeps_live_rows(app, runner):
    ada = _user(app, "ada@example.org")
    live = {_sign_in(app, ada).id for _ in range(3)}
    with app.app_context():
        _bulk_insert_expired_sessions(ada, EXPIRED_SESSIONS)
        assert Session.select().count() == EXPIRED_SESSIONS + 3
        now = utcnow()
        for n in range(4):
            _verification(f"verify-email:old{n}", now - timedelta(seconds=1))
        pending = {_verification("reset-password:new", now + timedelta(hours=1)).id}
    with count_queries() as statements:
        result = runner.invoke(args=["sessions", "prune"])
    assert result.exit_code == 0, result.output
    assert result.output == "Pruned 100,000 expired sessions and 4 expired verification rows.\n"
    assert _session_ids(app) == live
    with app.app_context():
        assert {v.id for v in Verification.select()} == pending
    deletes = [sql for sql in statements if sql.startswith("DELETE")]
    # 20 full batches of 5,000 sessions, an empty one to be sure, one of
    # verifications, one of pending sign-ins, one of finished mail.
    assert len(deletes) == 24
    assert all("LIMIT" in sql for sql in deletes)


def test_prune_with_nothing_expired_says_so(app, runner):
    _sign_in(app, _user(app, "ada@example.org"))
    result = runner.invoke(args=["sessions", "prune"])
    assert result.output == "Pruned 0 expired sessions and 0 expired verification rows.\n"
    assert len(_session_ids(app)) == 1


def test_prune_shows_a_progress_bar_only_on_a_terminal(app, runner, monkeypatch):
    ada = _user(app, "ada@example.org")
    _expired_session(app, ada)
    assert "Pruning expired rows" not in runner.invoke(args=["sessions", "prune"]).output
    _expired_session(app, ada)
    monkeypatch.setattr("flowpulse.cli.sessions._stdout_is_terminal", lambda: True)
    result = runner.invoke(args=["sessions", "prune"])
    assert "Pruning expired rows" in result.output
    assert "Pruned 1 expired session and 0 expired verification rows." in result.output
