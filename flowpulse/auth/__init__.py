"""The ``auth`` blueprint: sign-up, sign-in (password, provider or passkey, and its second
step), sign-out, password reset.

Its URL table is here, in one place; each view lives in the module named
after its capability.
"""

from flask import Blueprint

from flowpulse.auth import login, logout, oauth, passkey, password_reset, signup, two_factor

bp = Blueprint("auth", __name__, url_prefix="/auth")

bp.add_url_rule("/signup", view_func=signup.signup, methods=["GET", "POST"])
bp.add_url_rule("/check-inbox", view_func=signup.check_inbox, methods=["GET"])
bp.add_url_rule("/login", view_func=login.login, methods=["GET", "POST"])
# GET shows "Sign out?" (or "You are signed out"); only the POST signs out.
bp.add_url_rule("/logout", view_func=logout.logout, methods=["GET", "POST"])
bp.add_url_rule("/two-factor", view_func=two_factor.two_factor, methods=["GET", "POST"])
bp.add_url_rule(
    "/two-factor/passkey/options",
    endpoint="two_factor_passkey_options",
    view_func=two_factor.passkey_options,
    methods=["POST"],
)
bp.add_url_rule(
    "/two-factor/passkey",
    endpoint="two_factor_passkey",
    view_func=two_factor.passkey,
    methods=["POST"],
)
bp.add_url_rule(
    "/passkey/options", endpoint="passkey_options", view_func=passkey.options, methods=["POST"]
)
bp.add_url_rule("/passkey", endpoint="passkey", view_func=passkey.sign_in, methods=["POST"])
bp.add_url_rule(
    "/forgot-password", view_func=password_reset.forgot_password, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/reset-password/<token>", view_func=password_reset.reset_password, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/oauth/<provider>", endpoint="oauth_start", view_func=oauth.start, methods=["POST"]
)
bp.add_url_rule(
    "/oauth/<provider>/callback",
    endpoint="oauth_callback",
    view_func=oauth.callback,
    methods=["GET", "POST"],
)
