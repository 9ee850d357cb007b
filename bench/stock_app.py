"""A stock Flask-Login app: the baseline FlowPulse's ``/profile`` is measured against.

Written the way Flask-Login's and peewee's documentation show it: the user id
lives in Flask's signed cookie session (``login_user``), ``user_loader`` loads
the user by primary key with peewee from the same database FlowPulse uses,
and Flask-WTF puts a CSRF token in the forms. Its profile page renders about
as many bytes as FlowPulse's. Served by ``gunicorn -c gunicorn.conf.py
bench.stock_app:app`` with FlowPulse's own settings and environment.
"""

import os
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import Flask, redirect, render_template, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from peewee import BooleanField, DatabaseProxy, DateTimeField, Model, TextField
from playhouse.db_url import connect
from wtforms import PasswordField, StringField, URLField

db = DatabaseProxy()
login_manager = LoginManager()
hasher = PasswordHasher()


class User(UserMixin, Model):
    """FlowPulse's ``user`` table, seen by a stock app."""

    id = TextField(primary_key=True)
    name = TextField()
    email = TextField(unique=True)
    email_verified = BooleanField()
    image = TextField(null=True)
    created_at = DateTimeField()

    class Meta:
        database = db
        table_name = "user"


class Account(Model):
    """FlowPulse's ``account`` table: where the password hash is."""

    id = TextField(primary_key=True)
    user_id = TextField()
    provider_id = TextField()
    password = TextField(null=True)

    class Meta:
        database = db
        table_name = "account"


class LoginForm(FlaskForm):
    email = StringField("Email")
    password = PasswordField("Password")


class ProfileForm(FlaskForm):
    name = StringField("Name")
    image = URLField("Picture URL")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the signed-in user by id: one query per request."""
    return User.get_or_none(User.id == user_id)


def create_app() -> Flask:
    """Create the stock app on ``DATABASE_URL`` with FlowPulse's secret key."""
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    app.config.update(
        SECRET_KEY=os.environ["FLOWPULSE_SECRET_KEY"],
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    db.initialize(_database(os.environ["DATABASE_URL"]))
    CSRFProtect(app)
    login_manager.init_app(app)
    login_manager.login_view = "login"

    @app.before_request
    def _connect() -> None:
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc: BaseException | None) -> None:
        if not db.is_closed():
            db.close()

    app.add_url_rule("/login", view_func=login, methods=["GET", "POST"])
    app.add_url_rule("/profile", view_func=profile, methods=["GET"])
    return app


def login():
    """Sign in with email and password (the stock Flask-Login way)."""
    form = LoginForm()
    if form.validate_on_submit():
        user = User.get_or_none(User.email == form.email.data)
        account = user and Account.get_or_none(
            (Account.user_id == user.id) & (Account.provider_id == "credential")
        )
        try:
            if account and hasher.verify(account.password, form.password.data):
                login_user(user)
                return redirect(url_for("profile"), code=303)
        except VerificationError:
            pass
        return render_template("stock/login.html", form=form, error=True), 422
    return render_template("stock/login.html", form=form, error=False)


@login_required
def profile():
    """Show the signed-in user's profile page."""
    form = ProfileForm(obj=current_user)
    return render_template("stock/profile.html", form=form, user=current_user)


def _database(url: str):
    """The same database as FlowPulse, pooled like FlowPulse's on PostgreSQL."""
    if url.startswith("sqlite"):
        return connect(url, pragmas={"journal_mode": "wal", "busy_timeout": 10_000}, timeout=10)
    return connect(
        url.replace("postgresql://", "postgresql+pool://", 1),
        max_connections=20,
        stale_timeout=300,
    )


app = create_app()
