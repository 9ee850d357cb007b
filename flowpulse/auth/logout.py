"""/auth/logout: end this browser's session."""

from flask import flash, redirect, url_for

from flowpulse.web.auth_cookie import sign_out


def logout():
    """Delete this device's session and clear what the browser kept."""
    sign_out()
    flash("You are signed out.", "success")
    response = redirect(url_for("main.index"), code=303)
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response
