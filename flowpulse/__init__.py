"""FlowPulse: a self-hosted account system for Flask.

The package is layered: ``core/`` (configuration, database, tables and the
primitives every layer uses), ``services/`` (the rules, called alike by views
and CLI commands), ``web/`` (request plumbing shared by every page), then one
blueprint package per capability (``auth/``, ``verification/``, ``profile/``)
and the operator tools (``cli/``, ``studio/``).
"""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from flowpulse import auth, cli, main, profile, social, tasks, verification
from flowpulse.core import audit, database
from flowpulse.core.config import load_config
from flowpulse.web import auth_cookie, csrf, errors, menu, ratelimit, security_headers, templating

#: The repository root: templates/, static/ and migrations/ live beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure a FlowPulse application.

    The factory configures no logging handlers: an app embedded in a team's
    product logs through named loggers into whatever that product set up
    (``app.py``, the entry point of ``flask run`` and gunicorn, sets them up
    when FlowPulse runs on its own).
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)

    if app.config["PROXY_FIX_X_FOR"]:
        # Trust X-Forwarded-For only across the configured number of proxies.
        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    database.init_app(app)
    social.init_app(app)
    tasks.init_app(app)
    audit.init_app(app)
    security_headers.init_app(app)
    errors.init_app(app)
    ratelimit.init_app(app)
    csrf.init_app(app)
    auth_cookie.init_app(app)
    menu.init_app(app)
    templating.init_app(app)
    for blueprint in (main.bp, auth.bp, verification.bp, profile.bp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    return app
