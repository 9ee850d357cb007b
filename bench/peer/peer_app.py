"""Flask-Security-Too's quickstart, the peer FlowPulse's ``/profile`` is measured against.

Written as its documentation's "Basic Flask-SQLAlchemy Application" shows it:
the ``fsqla_v3`` models (in tables of their own, ``fs_user`` and ``fs_role``,
beside FlowPulse's in the same database), ``SQLAlchemyUserDatastore``,
Argon2 hashing, the quickstart's ``pool_pre_ping``, its own login form and
Flask's default cookie session; the profile page is ``@auth_required()`` and
renders about as many bytes as FlowPulse's. It runs in a virtual environment
of its own (``bench/peer_env.py``), never FlowPulse's: ``python -m
bench.peer.peer_app EMAIL PASSWORD`` creates the tables and the user, and
``peer_app:app`` (from ``bench/peer/``) is the WSGI app.
"""

import os
import sys
from pathlib import Path

from flask import Flask, render_template
from flask_security import (
    Security,
    SQLAlchemyUserDatastore,
    auth_required,
    current_user,
    hash_password,
)
from flask_security.models import fsqla_v3 as fsqla
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from wtforms import StringField, URLField

app = Flask(__name__, template_folder=str(Path(__file__).parent.parent / "templates"))
app.config.update(
    SECRET_KEY=os.environ["FLOWPULSE_SECRET_KEY"],
    SECURITY_PASSWORD_SALT=os.environ["FLOWPULSE_SECRET_KEY"],
    SECURITY_PASSWORD_HASH="argon2",  # noqa: S106 (a scheme name, not a password)
    SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg2://", 1
    ),
    # The quickstart's engine options: a connection is checked before each use.
    SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
    SESSION_COOKIE_SAMESITE="Lax",
)
db = SQLAlchemy(app)
fsqla.FsModels.set_db_info(db, user_table_name="fs_user", role_table_name="fs_role")


class Role(db.Model, fsqla.FsRoleMixin):
    __tablename__ = "fs_role"


class User(db.Model, fsqla.FsUserMixin):
    __tablename__ = "fs_user"


class ProfileForm(FlaskForm):
    name = StringField("Name")
    image = URLField("Picture URL")


app.security = Security(app, SQLAlchemyUserDatastore(db, User, Role))


@app.route("/profile")
@auth_required()
def profile():
    """Show the signed-in user's profile page."""
    form = ProfileForm(name=current_user.username or current_user.email)
    return render_template("peer/profile.html", form=form, user=current_user)


def create_user(email: str, password: str) -> None:
    """Create the tables and one confirmed user (before any worker starts)."""
    with app.app_context():
        db.create_all()
        datastore = app.security.datastore
        if not datastore.find_user(email=email):
            datastore.create_user(email=email, password=hash_password(password))
        db.session.commit()


if __name__ == "__main__":
    create_user(sys.argv[1], sys.argv[2])
