"""/profile: the signed-in person's account."""

from flask import render_template
from flask_login import login_required


@login_required
def index():
    """Show the signed-in person's profile."""
    return render_template("profile/index.html")
