"""Model behaviour: ids, updated_at, relations."""

import time

from flowpulse.core.clock import utcnow
from flowpulse.core.models import Account, Session, User
from tests.helpers import count_queries


def _user(**fields):
    return User.create(name="Ada", email=fields.pop("email", "ada@example.org"), **fields)


def test_primary_keys_are_random_url_safe_text(app):
    with app.app_context():
        first, second = _user(), _user(email="bob@example.org")
    assert first.id != second.id
    assert len(first.id) >= 22
    assert all(ch.isalnum() or ch in "-_" for ch in first.id)


def test_updated_at_moves_on_save(app):
    with app.app_context():
        user = _user()
        before = User.get_by_id(user.id).updated_at
        time.sleep(0.01)
        user.name = "Ada L."
        user.save()
        assert User.get_by_id(user.id).updated_at > before


def test_updated_at_moves_on_update_queries(app):
    with app.app_context():
        user = _user()
        before = User.get_by_id(user.id).updated_at
        time.sleep(0.01)
        User.update(name="Ada L.").where(User.id == user.id).execute()
        after = User.get_by_id(user.id)
    assert after.name == "Ada L."
    assert after.updated_at > before


def test_timestamps_are_naive_utc(app):
    with app.app_context():
        user = User.get_by_id(_user().id)
    assert user.created_at.tzinfo is None
    assert abs((utcnow() - user.created_at).total_seconds()) < 60


def test_backrefs_list_sessions_and_accounts(app):
    with app.app_context():
        user = _user()
        Session.create(token="t1", user=user, expires_at=utcnow())
        Account.create(account_id=user.id, provider_id="credential", user=user)
        assert [s.token for s in user.sessions] == ["t1"]
        assert [a.provider_id for a in user.accounts] == ["credential"]


def test_user_with_sessions_and_accounts_takes_three_queries_however_many_rows(app):
    with app.app_context():
        user = _user()
        for n in range(5):
            Session.create(token=f"t{n}", user=user, expires_at=utcnow())
        Account.create(account_id=user.id, provider_id="credential", user=user)
        Account.create(account_id="gh-1", provider_id="github", user=user)
        with count_queries() as statements:
            loaded = User.with_sessions_and_accounts(User.email == "ada@example.org")
            tokens = sorted(s.token for s in loaded.sessions)
            providers = sorted(a.provider_id for a in loaded.accounts)
    assert len(statements) == 3
    assert tokens == [f"t{n}" for n in range(5)]
    assert providers == ["credential", "github"]


def test_user_with_sessions_and_accounts_returns_none_for_no_match(app):
    with app.app_context():
        assert User.with_sessions_and_accounts(User.email == "nobody@example.org") is None
