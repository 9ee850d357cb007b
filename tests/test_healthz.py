"""/healthz reports the database both ways."""

from tests.conftest import make_app


def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "mail": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    # A SQLite path inside a regular file cannot be opened.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    app = make_app(f"sqlite:///{blocker}/db.sqlite")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_healthz_answers_503_when_postgresql_is_unreachable():
    app = make_app("postgresql://postgres@127.0.0.1:1/nowhere")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
