"""Signals a team's product can subscribe to, sent after each committed change.

Each is a blinker signal in FlowPulse's own namespace; the sender is the Flask
app and the keyword ``user`` is the account the change is about, plus what
fits (``session`` for a sign-in or sign-out, ``old_email`` for a change of
address). They are sent only once the change's transaction has committed, and
never for a change that failed, so a receiver may act on them (create a
workspace on sign-up, send a welcome message) without checking again::

    from flowpulse.signals import user_signed_up

    @user_signed_up.connect
    def create_workspace(app, user, **extra):
        Workspace.create(owner=user.id)

Flask-Login's own ``user_logged_in`` and ``user_logged_out`` are sent too. A
receiver that raises is logged and does not undo the change (it is already
committed).
"""

import logging

from blinker import Namespace
from flask import current_app
from flask_login import user_logged_in, user_logged_out

from flowpulse.core.database import after_commit

log = logging.getLogger(__name__)

_signals = Namespace()

#: A new account was created (by sign-up, an operator, or a provider sign-in).
user_signed_up = _signals.signal("user-signed-up")
#: A browser signed in: ``session`` is its new session row.
user_signed_in = _signals.signal("user-signed-in")
#: A browser signed out: ``session`` is the row that was deleted.
user_signed_out = _signals.signal("user-signed-out")
#: An account's address was proven by its emailed link.
email_verified = _signals.signal("email-verified")
#: A change of address was asked for (nothing changes until it is confirmed).
email_change_requested = _signals.signal("email-change-requested")
#: An account's address changed: ``old_email`` is the address it had.
email_changed = _signals.signal("email-changed")
#: A signed-in person or an operator set a new password.
password_changed = _signals.signal("password-changed")
#: A forgotten password was replaced through its emailed link.
password_reset = _signals.signal("password-reset")
#: The display name or picture changed.
profile_updated = _signals.signal("profile-updated")
#: A provider identity was linked to the account: ``account`` is its row.
account_connected = _signals.signal("account-connected")
#: A provider identity was unlinked: ``account`` is the deleted row.
account_disconnected = _signals.signal("account-disconnected")
#: The account was deleted (``user`` is the row as it was).
user_deleted = _signals.signal("user-deleted")
#: An authenticator app was turned on (the second step now follows every sign-in).
two_factor_enabled = _signals.signal("two-factor-enabled")
#: The second factor was turned off (by the person, or ``by`` an operator).
two_factor_disabled = _signals.signal("two-factor-disabled")
#: A recovery code passed the second step: ``codes_left`` remain.
recovery_code_used = _signals.signal("recovery-code-used")
#: A passkey was added: ``passkey`` is its row.
passkey_added = _signals.signal("passkey-added")
#: A passkey was removed (by the person, or ``by`` an operator): ``passkey`` is the deleted row.
passkey_removed = _signals.signal("passkey-removed")

#: Every signal FlowPulse sends, for subscribers that want them all (the audit log).
ALL = (
    user_signed_up,
    user_signed_in,
    user_signed_out,
    email_verified,
    email_change_requested,
    email_changed,
    password_changed,
    password_reset,
    profile_updated,
    account_connected,
    account_disconnected,
    user_deleted,
    two_factor_enabled,
    two_factor_disabled,
    recovery_code_used,
    passkey_added,
    passkey_removed,
)

#: Flask-Login's signals that accompany ours.
_FLASK_LOGIN = {user_signed_in: user_logged_in, user_signed_out: user_logged_out}


def send(signal, **data) -> None:
    """Send ``signal`` once the current transaction commits (at once if there is none)."""
    app = current_app._get_current_object()
    after_commit(lambda: _deliver(app, signal, data))


def _deliver(app, signal, data: dict) -> None:
    _call_receivers(app, signal, data)
    companion = _FLASK_LOGIN.get(signal)
    if companion is not None:
        # Flask-Login's own receivers expect only ``user``.
        _call_receivers(app, companion, {"user": data["user"]})


def _call_receivers(app, signal, data: dict) -> None:
    for receiver in signal.receivers_for(app):
        try:
            receiver(app, **data)
        except Exception:
            log.exception("a receiver of %s failed; the change itself stands", signal.name)
