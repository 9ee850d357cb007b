"""/profile/sessions: the devices signed in to this account, and signing them out."""

import re
from typing import NamedTuple

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from flowpulse.core.models import Session
from flowpulse.profile.devices import describe_device
from flowpulse.services.sessions import end_sessions_of, live_sessions_of
from flowpulse.services.sessions import revoke_session as end_one_session
from flowpulse.web.auth_cookie import current_session, forget_session_cookie, signed_out_redirect
from flowpulse.web.form_pages import form_page
from flowpulse.web.forms import Form

#: What our session ids look like (URL-safe text); anything else is no
#: session of ours and never reaches the database (NUL bytes would 500).
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


class DeviceRow(NamedTuple):
    """One line of the sessions table, as the page shows it."""

    session: Session
    device: str
    is_current: bool


@login_required
def sessions():
    """List this account's live sessions, this device first."""
    return _devices_page()


@form_page("profile.revoke_session", signed_in=True)
@form_page("profile.revoke_other_sessions", signed_in=True)
def devices_page_with(message: str, *, limited: bool = False) -> str:
    """The devices page with ``message`` above the table (a sign-out that did not happen)."""
    form = Form()
    form.form_errors.append(message)
    return _devices_page(form)


def _devices_page(form: Form | None = None) -> str:
    current_id = current_session().id
    rows = [
        DeviceRow(row, describe_device(row.user_agent), row.id == current_id)
        for row in live_sessions_of(current_user.id)
    ]
    rows.sort(key=lambda row: not row.is_current)  # stable: the rest stay most recent first
    return render_template("profile/sessions.html", rows=rows, form=form)


@login_required
def revoke_session(session_id: str):
    """Sign one of this account's sessions out; 404 for anyone else's."""
    if not SESSION_ID.fullmatch(session_id) or not end_one_session(
        session_id, owner_id=current_user.id
    ):
        abort(404)
    if session_id == current_session().id:
        forget_session_cookie()
        return signed_out_redirect()  # "You are signed out"
    flash("That device is signed out.", "success")
    return redirect(url_for("profile.sessions"), code=303)


@login_required
def revoke_other_sessions():
    """Sign out every session of this account but this browser's."""
    ended = end_sessions_of(current_user.id, keep_session_id=current_session().id)
    if ended:
        flash(f"Signed out {ended} other {'device' if ended == 1 else 'devices'}.", "success")
    else:
        flash("No other device was signed in.", "success")
    return redirect(url_for("profile.sessions"), code=303)
