"""The landing page and the health check."""

from flask import Blueprint, jsonify, render_template

from flowpulse.core.database import DATABASE_UNAVAILABLE, db, discard_connection

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Show the landing page; signed-in visitors get a link to their profile."""
    return render_template("main/index.html")


@bp.get("/healthz")
def healthz():
    """Report whether the app can reach its database (503 when it cannot)."""
    try:
        db.execute_sql("SELECT 1")
    except DATABASE_UNAVAILABLE:
        discard_connection()
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
