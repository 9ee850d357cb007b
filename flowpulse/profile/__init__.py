"""The ``profile`` blueprint: what a signed-in person manages about themselves.

Its URL table is here, in one place; each view lives in the module named
after its capability. Every page but the goodbye one needs a signed-in person.
"""

from flask import Blueprint, current_app

from flowpulse.auth.completion import recently_signed_in
from flowpulse.core import relying_party
from flowpulse.core.models import Passkey
from flowpulse.profile import (
    accounts,
    avatar,
    delete,
    email,
    index,
    passkeys,
    password,
    sessions,
    two_factor,
)
from flowpulse.services.social_accounts import ways_in

bp = Blueprint("profile", __name__, url_prefix="/profile")

bp.add_url_rule("", view_func=index.index, methods=["GET", "POST"])
bp.add_url_rule("/avatar.svg", view_func=avatar.avatar, methods=["GET"])
bp.add_url_rule("/email", view_func=email.email, methods=["GET", "POST"])
bp.add_url_rule("/password", view_func=password.password, methods=["GET", "POST"])
bp.add_url_rule("/sessions", view_func=sessions.sessions, methods=["GET"])
bp.add_url_rule(
    "/sessions/<session_id>/revoke", view_func=sessions.revoke_session, methods=["POST"]
)
bp.add_url_rule(
    "/sessions/revoke-others", view_func=sessions.revoke_other_sessions, methods=["POST"]
)
bp.add_url_rule("/two-factor", view_func=two_factor.two_factor, methods=["GET"])
bp.add_url_rule("/two-factor/totp", view_func=two_factor.two_factor_totp, methods=["GET", "POST"])
bp.add_url_rule("/two-factor/disable", view_func=two_factor.two_factor_disable, methods=["POST"])
bp.add_url_rule(
    "/two-factor/recovery-codes", view_func=two_factor.recovery_codes, methods=["GET", "POST"]
)
bp.add_url_rule("/passkeys", view_func=passkeys.passkeys, methods=["GET"])
bp.add_url_rule("/passkeys", endpoint="add_passkey", view_func=passkeys.add, methods=["POST"])
bp.add_url_rule(
    "/passkeys/options", endpoint="passkey_options", view_func=passkeys.options, methods=["POST"]
)
bp.add_url_rule(
    "/passkeys/<passkey_id>/rename",
    endpoint="rename_passkey",
    view_func=passkeys.rename,
    methods=["POST"],
)
bp.add_url_rule(
    "/passkeys/<passkey_id>/delete",
    endpoint="delete_passkey",
    view_func=passkeys.delete,
    methods=["GET", "POST"],
)
bp.add_url_rule("/delete", view_func=delete.delete, methods=["GET", "POST"])
bp.add_url_rule("/deleted", view_func=delete.deleted, methods=["GET"])
bp.add_url_rule("/accounts", view_func=accounts.accounts, methods=["GET"])
bp.add_url_rule("/accounts/<provider>/connect", view_func=accounts.connect, methods=["POST"])
bp.add_url_rule(
    "/accounts/<account_id>/disconnect",
    endpoint="disconnect_account",
    view_func=accounts.disconnect_account,
    methods=["POST"],
)


@bp.app_template_global()
def reauthentication_providers(user) -> list[tuple[str, str]]:
    """The configured providers ``user`` has linked: their re-authentication buttons."""
    configured = current_app.extensions["flowpulse.social.providers"]
    _, linked = ways_in(user)
    return [
        (account.provider_id, configured[account.provider_id].name)
        for account in linked
        if account.provider_id in configured
    ]


@bp.app_template_global()
def passkey_count(user) -> int:
    """How many passkeys ``user`` has (their re-authentication may use one)."""
    return Passkey.select().where(Passkey.user == user.id).count()


@bp.app_template_global()
def passkeys_available() -> bool:
    """Whether passkeys can work on this deployment (``BASE_URL`` is a name, not an IP)."""
    return relying_party.available()


@bp.app_template_global()
def signed_in_just_now(user) -> bool:
    """Whether this browser signed ``user`` in within five minutes (no password asked again)."""
    return recently_signed_in(user)
