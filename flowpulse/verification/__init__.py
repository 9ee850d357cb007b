"""The ``verification`` blueprint: emailed links that prove an address.

Its URL table is here, in one place; each view lives in the module named
after its capability.
"""

from flask import Blueprint

from flowpulse.verification import email, resend

bp = Blueprint("verification", __name__, url_prefix="/verify")

bp.add_url_rule("/email/<token>", view_func=email.verify_email, methods=["GET", "POST"])
bp.add_url_rule("/resend", view_func=resend.resend, methods=["POST"])
