"""Rotating SECRET_KEY with SECRET_KEY_FALLBACKS signs nobody out and breaks no open form."""

from flowpulse.web.auth_cookie import PLAIN_COOKIE_NAME
from tests.browser import Browser, csrf_token_in
from tests.conftest import make_app


def _carry_cookies(old: Browser, new: Browser) -> None:
    """Move a browser's cookies to a client of the restarted app."""
    for name in (PLAIN_COOKIE_NAME, "flowpulse_state"):
        new.client.set_cookie(name, old.client.get_cookie(name).value)


def _open_form_then_rotate(app, database_url, mailbox, **new_config):
    """Sign in under the old key, open a form, restart with a new key; post it."""
    old = Browser(app.test_client())
    old.sign_in("ada@example.com")
    page = old.get("/profile").get_data(as_text=True)
    rotated = make_app(database_url, SECRET_KEY="the-new-key", **new_config)
    rotated.config.update(MAIL_SERVER=app.config["MAIL_SERVER"], MAIL_PORT=app.config["MAIL_PORT"])
    new = Browser(rotated.test_client())
    _carry_cookies(old, new)
    form = {"csrf_token": csrf_token_in(page), "name": "Ada King", "image": ""}
    return new, new.client.post("/profile", data=form)


def test_a_form_opened_before_the_rotation_still_submits_with_the_old_key_as_fallback(
    app, database_url, make_user, mailbox, user_row
):
    make_user("ada@example.com")
    new, response = _open_form_then_rotate(
        app, database_url, mailbox, SECRET_KEY_FALLBACKS=["test-secret-key"]
    )
    assert response.status_code == 303
    assert user_row("ada@example.com").name == "Ada King"
    assert new.is_signed_in()


def test_without_the_fallback_the_old_form_is_refused_but_nobody_is_signed_out(
    app, database_url, make_user, mailbox, user_row
):
    make_user("ada@example.com")
    new, response = _open_form_then_rotate(app, database_url, mailbox)
    assert response.status_code == 400
    assert user_row("ada@example.com").name == "Ada Lovelace"
    # Sign-in sessions are database tokens, independent of SECRET_KEY.
    assert new.is_signed_in()


def test_fallbacks_from_the_environment_may_be_one_key_or_a_json_list(monkeypatch, tmp_path):
    monkeypatch.setenv("FLOWPULSE_SECRET_KEY", "new")
    monkeypatch.setenv("FLOWPULSE_SECRET_KEY_FALLBACKS", '["older", "old"]')
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    from flowpulse import create_app

    app = create_app()
    assert app.config["SECRET_KEY_FALLBACKS"] == ["older", "old"]
    assert app.config["WTF_CSRF_SECRET_KEY"] == ["older", "old", "new"]
    monkeypatch.setenv("FLOWPULSE_SECRET_KEY_FALLBACKS", "old")
    assert create_app().config["SECRET_KEY_FALLBACKS"] == ["old"]
