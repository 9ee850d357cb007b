"""FlowPulse: a self-hosted account system for Flask."""

import logging
import time
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from flowpulse import (
    auth,
    cli,
    database,
    errors,
    login,
    main,
    profile,
    ratelimit,
    security_headers,
    verification,
)
from flowpulse.config import load_config
from flowpulse.csrf import csrf

#: The repository root: templates/, static/ and migrations/ live beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure a FlowPulse application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _configure_logging()
    load_config(app, test_config)

    if app.config["PROXY_FIX_X_FOR"]:
        # Trust X-Forwarded-For only across the configured number of proxies.
        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    database.init_app(app)
    security_headers.init_app(app)
    errors.init_app(app)
    ratelimit.init_app(app)
    csrf.init_app(app)
    login.init_app(app)
    for blueprint in (main.bp, auth.bp, verification.bp, profile.bp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    return app


def _configure_logging() -> None:
    """Log INFO and above to stderr, stamped in UTC, unless logging is set up already."""
    if logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(UTCFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


class UTCFormatter(logging.Formatter):
    """ISO 8601 timestamps in UTC (ASVS V16.2.2): one timeline across hosts."""

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"
