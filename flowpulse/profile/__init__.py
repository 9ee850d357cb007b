"""The ``profile`` blueprint: what a signed-in person manages about themselves."""

from flask import Blueprint

from flowpulse.profile import overview

bp = Blueprint("profile", __name__, url_prefix="/profile")

bp.add_url_rule("", view_func=overview.index, methods=["GET"])
