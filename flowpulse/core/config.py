"""Configuration: safe defaults, then `.env`, then the `FLOWPULSE_` environment.

Every setting FlowPulse adds is listed here once, with its default and why.
Flask and extension keys that we only override are set here too, so that the
whole configuration a deployment gets can be read in one file.
"""

import logging
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app

log = logging.getLogger(__name__)

#: Environment prefix: ``FLOWPULSE_SECRET_KEY`` sets ``SECRET_KEY``.
ENV_PREFIX = "FLOWPULSE"

#: Where the generated secret key lives when none is configured.
SECRET_KEY_FILENAME = "secret_key"  # noqa: S105 (a file name, not a secret)

DEFAULTS = {
    # -- FlowPulse's own settings -----------------------------------------
    #: The site's name in pages, emails, the authenticator app and passkey prompts.
    "SITE_NAME": "FlowPulse",
    #: A product's callable ``policy(email=, name=, how=)`` that raises
    #: ``SignUpRefused`` to refuse a new account; None: anyone may sign up.
    "SIGNUP_POLICY": None,
    #: Refuse sign-in until the email address is verified.
    "AUTH_REQUIRE_EMAIL_VERIFICATION": True,
    #: Idle lifetime of a signed-in session, in seconds (7 days).
    "AUTH_SESSION_EXPIRES_IN": 7 * 24 * 3600,
    #: Write a session row at most this often, in seconds (5 minutes).
    "AUTH_SESSION_UPDATE_AGE": 5 * 60,
    #: Hard cap on a remembered session since sign-in, in seconds (30 days).
    "AUTH_SESSION_ABSOLUTE_LIFETIME": 30 * 24 * 3600,
    #: Hard cap on a session signed in without "remember me" (1 day).
    "AUTH_BROWSER_SESSION_LIFETIME": 24 * 3600,
    #: Live sessions one account may hold; a new sign-in past it ends the oldest.
    "AUTH_MAX_SESSIONS": 100,
    #: Lifetime of an email-verification link, in seconds.
    "AUTH_VERIFICATION_TOKEN_TTL": 24 * 3600,
    #: Lifetime of a password-reset link, in seconds.
    "AUTH_RESET_TOKEN_TTL": 3600,
    #: NIST SP 800-63B rev. 4: at least 15 characters for a single factor.
    "AUTH_PASSWORD_MIN_LENGTH": 15,
    #: Long enough for passphrases, short enough to bound hashing work.
    "AUTH_PASSWORD_MAX_LENGTH": 128,
    #: Origin of every emailed link; never taken from the request's Host.
    "BASE_URL": "http://127.0.0.1:5000",
    #: Trusted reverse-proxy hops in front of the app (0: trust no header).
    "PROXY_FIX_X_FOR": 0,
    #: Fernet keys for provider tokens at rest (first encrypts, all decrypt);
    #: unset: derived from SECRET_KEY (``flowpulse.core.crypto``).
    "AUTH_TOKEN_ENCRYPTION_KEYS": None,
    #: (``OAUTH_PROVIDERS``, the identity providers, is set in ``load_config``:
    #: Flask's ``FLOWPULSE_OAUTH_PROVIDERS__google__client_id`` nests into it.)
    #: Where a sign-in without a ``next`` lands (a path on this site).
    "AUTH_LOGIN_REDIRECT": "/profile",
    #: The issuer authenticator apps show next to the account (None: SITE_NAME).
    "AUTH_TOTP_ISSUER": None,
    #: Days "Trust this device" skips the second step on one browser.
    "AUTH_TRUST_DEVICE_DAYS": 30,
    #: The name a passkey prompt shows (None: SITE_NAME; its RP ID is always BASE_URL's host).
    "AUTH_WEBAUTHN_RP_NAME": None,
    #: A Pwned Passwords range API new passwords are checked against (e.g.
    #: ``https://api.pwnedpasswords.com``); empty: no check, as it calls out.
    "AUTH_PWNED_PASSWORDS_URL": "",
    # -- Mail: no MAIL_SERVER means messages are printed to the log --------
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    #: None: ``SITE_NAME <no-reply@localhost>``.
    "MAIL_DEFAULT_SENDER": None,
    #: Seconds before an unresponsive SMTP server counts as a failed attempt.
    "MAIL_TIMEOUT": 10,
    #: Seconds before the second attempt at a message; each wait doubles (at most 1 h).
    "MAIL_RETRY_AFTER": 30,
    #: Seconds after which a message that could not be delivered is given up.
    "MAIL_GIVE_UP_AFTER": 24 * 3600,
    #: Seconds a message may wait before /healthz reports a mail backlog.
    "MAIL_BACKLOG_AFTER": 300,
    # -- The task queue (mail delivery, housekeeping) ----------------------
    #: ``sqlite:///path`` (default: ``instance/tasks.db``), or ``redis://host``
    #: when several hosts serve; set in ``load_config``.
    "TASK_QUEUE_URL": None,
    #: The queue's name in its storage: sites sharing one Redis need their own.
    "TASK_QUEUE_NAME": "flowpulse",
    #: Every serving process delivers mail with worker threads of its own;
    #: false when a dedicated ``flask worker`` process does it instead.
    "TASK_WORKER_IN_PROCESS": True,
    #: Worker threads per serving process (or per ``flask worker``).
    "TASK_WORKER_THREADS": 2,
    #: Prune expired sessions, links and finished mail once a day.
    "TASK_DAILY_PRUNE": True,
    # -- Flask-Limiter -----------------------------------------------------
    "RATELIMIT_ENABLED": True,
    #: ``redis://host:6379`` when several processes must share the counters.
    "RATELIMIT_STORAGE_URI": "memory://",
    #: Fixed windows: a hit is one atomic increment, and a refund one decrement
    #: (``flowpulse.web.ratelimit`` counts attempts before it checks them).
    "RATELIMIT_STRATEGY": "fixed-window",
    # -- Flask overrides (its 3.1 defaults are looser than we want) -------
    #: Secure by default; ``make run`` turns it off for plain-http local use.
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    #: Flask's default is None, which leaves cross-site POSTs to the browser.
    "SESSION_COOKIE_SAMESITE": "Lax",
    #: Flask's own cookie only carries the CSRF token and flashed messages.
    "PERMANENT_SESSION_LIFETIME": timedelta(days=1),
    #: Forms here are small; anything larger is refused with 413.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    #: CSRF tokens live as long as Flask's session, not a shorter clock.
    "WTF_CSRF_TIME_LIMIT": None,
}


def site_named(key: str) -> str:
    """Return a name setting (``AUTH_TOTP_ISSUER``, ...), or ``SITE_NAME`` where it is unset."""
    return current_app.config[key] or current_app.config["SITE_NAME"]


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``test_config``."""
    app.config.from_mapping(DEFAULTS)
    app.config["DATABASE_URL"] = default_database_url(app)
    app.config["TASK_QUEUE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "tasks.db")
    if test_config is None:
        _load_dotenv()
        app.config.from_prefixed_env(ENV_PREFIX)
        if os.environ.get("DATABASE_URL"):
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    else:
        app.config.from_mapping(test_config)
    # Providers by id, each its settings (``flowpulse.social.providers``); a
    # fresh dict per app, as the environment's nested keys are written into it.
    app.config.setdefault("OAUTH_PROVIDERS", {})
    # Flask's own cookie (CSRF secret, flashed messages) gets the same
    # __Host- binding as the auth cookie whenever cookies are Secure.
    app.config.setdefault("SESSION_COOKIE_NAME", "session")
    if app.config["SESSION_COOKIE_NAME"] == "session":
        secure = app.config["SESSION_COOKIE_SECURE"]
        app.config["SESSION_COOKIE_NAME"] = f"{'__Host-' if secure else ''}flowpulse_state"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(Path(app.instance_path))
    _honour_secret_key_fallbacks(app)


def _honour_secret_key_fallbacks(app: Flask) -> None:
    """Accept what old keys signed while a new ``SECRET_KEY`` takes over.

    Flask 3.1 verifies its cookie with ``SECRET_KEY_FALLBACKS``; Flask-WTF signs
    CSRF tokens with one key, so it is given itsdangerous' key list (newest
    last) and forms rendered before a rotation still submit. Sign-in sessions
    never depend on the key: they are random tokens checked in the database.
    """
    fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or []
    if isinstance(fallbacks, str):
        fallbacks = [fallbacks]
    app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)
    if fallbacks and not app.config.get("WTF_CSRF_SECRET_KEY"):
        app.config["WTF_CSRF_SECRET_KEY"] = [*fallbacks, app.config["SECRET_KEY"]]


def default_database_url(app: Flask) -> str:
    """Return the SQLite URL of the default database in the instance folder."""
    return "sqlite:///" + os.path.join(app.instance_path, "flowpulse.db")


def load_or_create_secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it once if it does not exist.

    The key is written to a private temporary file and hard-linked into place:
    ``link`` fails if the file already exists, so when several workers start at
    once exactly one key wins and every worker reads that one.
    """
    path = instance_path / SECRET_KEY_FILENAME
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # mkstemp makes a uniquely named file readable by its owner only (0600).
        fd, name = tempfile.mkstemp(prefix=f".{SECRET_KEY_FILENAME}.", dir=instance_path)
        temporary = Path(name)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
        try:
            os.link(temporary, path)
            log.warning(
                "No SECRET_KEY configured: generated one in %s. Hosts that serve "
                "the same site must share one explicit FLOWPULSE_SECRET_KEY.",
                path,
            )
        except FileExistsError:
            pass  # another worker created it first; use theirs
        finally:
            temporary.unlink()
    return path.read_text().strip()


def _load_dotenv() -> None:
    """Load ``.env`` from the working directory without overriding the env.

    Only that folder's file, by its path: python-dotenv's ``find_dotenv``
    walks up to ``/``, so a ``.env`` in any parent folder (a shared temp
    folder, say) could point ``BASE_URL`` elsewhere or turn checks off.
    """
    from dotenv import load_dotenv

    _forget_parent_dotenv()
    load_dotenv(Path.cwd() / ".env", override=False)


def _forget_parent_dotenv() -> None:
    """Undo what the ``flask`` command loaded from ``.env`` files above this folder.

    Flask's CLI loads ``.env`` and ``.flaskenv`` before the app exists, from
    the nearest folder upwards that has one. A value still exactly as such a
    parent file set it came from there (or was exported identically, which
    the warning tells): it is dropped, so only this folder's file counts.
    """
    from dotenv import dotenv_values, find_dotenv

    here = Path.cwd().resolve()
    for name in (".env", ".flaskenv"):
        found = find_dotenv(name, usecwd=True)
        if not found or Path(found).resolve().parent == here:
            continue
        planted = [
            key
            for key, value in dotenv_values(found).items()
            if value is not None and os.environ.get(key) == value
        ]
        for key in planted:
            del os.environ[key]
        if planted:
            log.warning(
                "Ignored %s from %s: FlowPulse reads only the working folder's .env.",
                ", ".join(sorted(planted)),
                found,
            )
