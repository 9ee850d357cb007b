"""The landing page and the health check."""

from flask import Blueprint, current_app, jsonify, render_template

from flowpulse.core.database import DATABASE_UNAVAILABLE, discard_connection
from flowpulse.services.mail_outbox import oldest_pending_age

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Show the landing page; signed-in visitors get a link to their profile."""
    return render_template("main/index.html")


@bp.get("/healthz")
def healthz():
    """Report the database (503 when unreachable) and whether mail is keeping up.

    ``"mail": "backlog"`` means the oldest undelivered message has waited
    longer than ``MAIL_BACKLOG_AFTER``: worth a look (is a worker running,
    is SMTP up?), but the site itself still serves, so the status stays 200.
    """
    try:
        waited = oldest_pending_age()
    except DATABASE_UNAVAILABLE:
        discard_connection()
        return jsonify(status="unavailable", database="unavailable"), 503
    backlog = waited is not None and waited > current_app.config["MAIL_BACKLOG_AFTER"]
    return jsonify(status="ok", database="ok", mail="backlog" if backlog else "ok")
