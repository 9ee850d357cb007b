"""The ``verification`` blueprint: emailed links that prove an address."""

from flask import Blueprint

from flowpulse.verification import email

bp = Blueprint("verification", __name__, url_prefix="/verify")

bp.add_url_rule("/email/<token>", view_func=email.verify_email, methods=["GET"])
bp.add_url_rule("/resend", view_func=email.resend, methods=["POST"])
