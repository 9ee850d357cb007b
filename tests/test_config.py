"""Configuration: defaults, the FLOWPULSE_ environment, DATABASE_URL, the secret key."""

import os
import stat
from concurrent.futures import ThreadPoolExecutor

from flowpulse import create_app
from flowpulse.core.config import load_or_create_secret_key


def test_prefixed_environment_values_are_parsed_as_json(monkeypatch, tmp_path):
    monkeypatch.setenv("FLOWPULSE_SECRET_KEY", "from-env")
    monkeypatch.setenv("FLOWPULSE_AUTH_SESSION_EXPIRES_IN", "60")
    monkeypatch.setenv("FLOWPULSE_AUTH_REQUIRE_EMAIL_VERIFICATION", "false")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["AUTH_SESSION_EXPIRES_IN"] == 60
    assert app.config["AUTH_REQUIRE_EMAIL_VERIFICATION"] is False
    assert app.config["DATABASE_URL"].endswith("env.db")


def test_dotenv_file_is_honoured_without_overriding_the_environment(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text(
        "FLOWPULSE_BASE_URL=https://accounts.example.org\nFLOWPULSE_SECRET_KEY=from-dotenv\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOWPULSE_SECRET_KEY", "from-env")
    monkeypatch.delenv("FLOWPULSE_BASE_URL", raising=False)
    app = create_app()
    assert app.config["BASE_URL"] == "https://accounts.example.org"
    assert app.config["SECRET_KEY"] == "from-env"
    monkeypatch.delenv("FLOWPULSE_BASE_URL")


def test_defaults_are_the_contracts(tmp_path):
    app = create_app({"SECRET_KEY": "x"})
    config = app.config
    assert config["DATABASE_URL"] == "sqlite:///" + os.path.join(app.instance_path, "flowpulse.db")
    assert config["AUTH_SESSION_EXPIRES_IN"] == 604800
    assert config["AUTH_SESSION_UPDATE_AGE"] == 300
    assert config["AUTH_SESSION_ABSOLUTE_LIFETIME"] == 2592000
    assert config["AUTH_VERIFICATION_TOKEN_TTL"] == 86400
    assert config["AUTH_RESET_TOKEN_TTL"] == 3600
    assert (config["AUTH_PASSWORD_MIN_LENGTH"], config["AUTH_PASSWORD_MAX_LENGTH"]) == (15, 128)
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["MAX_CONTENT_LENGTH"] is not None


def test_a_missing_secret_key_is_generated_once_with_private_permissions(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    second = load_or_create_secret_key(tmp_path)
    assert first == second
    assert len(first) >= 64
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_workers_starting_together_agree_on_one_secret_key(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: load_or_create_secret_key(tmp_path), range(32)))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
